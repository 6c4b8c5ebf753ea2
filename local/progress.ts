/**
 * Progress of long work (run, backfill, export, reindex) on stderr: a redrawn bar with counts and rate on a terminal,
 * plain lines every few seconds otherwise (logs, CI, pipes), so a log never fills with carriage returns, a terminal
 * never scrolls, and stdout (where --json goes) never sees any of it.
 *
 * Two ways to use it:
 *   const counter = progressCounter('reindex', { unit: 'documents', total: 5000 });   // counts for you
 *   counter.add(); ... counter.add(25); ... counter.fail(); ... counter.finish();
 * or `new Progress(stream, label)` with update(state) / finish(state) when the caller keeps the counts.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressState {
  done: number;
  /** Known so far; `final` says whether more may come (a listing still running). */
  total: number;
  final: boolean;
  /** Short extra text, e.g. "3 failed". */
  detail?: string;
}

export interface ProgressOptions {
  /** What is counted, e.g. "objects" (the default), "documents", "files". */
  unit?: string;
  /** Off a terminal, a plain line at most this often (besides milestones and the end). */
  plainEveryMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const BAR_WIDTH = 30;
/** A terminal is redrawn at most this often. */
const REDRAW_MS = 100;
const PLAIN_EVERY_MS = 5_000;

export class Progress {
  private lastDrawn = -Infinity;
  private lastPlain: number;
  private lastLine = '';
  /** The last plain line as written (with its rate), so the final line is not a copy of it. */
  private lastWritten = '';
  private readonly started: number;
  private readonly unit: string;
  private readonly plainEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    options: ProgressOptions = {},
  ) {
    this.unit = options.unit ?? 'objects';
    this.plainEveryMs = options.plainEveryMs ?? PLAIN_EVERY_MS;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.lastPlain = this.started;
  }

  static text(label: string, state: ProgressState, unit = 'objects'): string {
    const total = `${state.total}${state.final ? '' : '+'}`;
    const percent = state.final && state.total > 0 ? ` (${Math.floor((state.done / state.total) * 100)}%)` : '';
    return `${label}: ${state.done}/${total} ${unit}${percent}${state.detail ? `, ${state.detail}` : ''}`;
  }

  static bar(state: ProgressState): string {
    const filled = state.total > 0 ? Math.min(BAR_WIDTH, Math.round((state.done / state.total) * BAR_WIDTH)) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  }

  /** Items per second so far; empty in the first second (too early to say). */
  private rate(done: number): string {
    const seconds = (this.now() - this.started) / 1000;
    if (seconds < 1) return '';
    const perSecond = done / seconds;
    return `, ${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`;
  }

  /** On a terminal: redraw (throttled). Otherwise: at a `milestone` (e.g. a listing page done) or every few seconds. */
  update(state: ProgressState, milestone = false): void {
    const line = Progress.text(this.label, state, this.unit);
    const now = this.now();
    if (this.stream.isTTY) {
      if (now - this.lastDrawn < REDRAW_MS) return;
      this.lastDrawn = now;
      const full = `${Progress.bar(state)} ${line}${this.rate(state.done)}`;
      this.stream.write(`\r${full.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    } else if ((milestone || now - this.lastPlain >= this.plainEveryMs) && line !== this.lastLine) {
      this.lastLine = line;
      this.lastPlain = now;
      this.lastWritten = `${line}${this.rate(state.done)}`;
      this.stream.write(`${this.lastWritten}\n`);
    }
  }

  finish(state: ProgressState): void {
    const line = Progress.text(this.label, state, this.unit);
    if (this.stream.isTTY) this.stream.write(`\r${Progress.bar(state)} ${line}\x1b[K\n`);
    else if (line !== this.lastWritten) this.stream.write(`${line}\n`);
  }
}

export interface ProgressCounter {
  /** `count` more items done. */
  add(count?: number): void;
  /** `count` more items failed (counted as done, shown as "N failed"). */
  fail(count?: number): void;
  /** The last line (always written, also off a terminal). */
  finish(): void;
}

/** A Progress that keeps the counts: for a loop that knows its total, or learns it at the end. Writes to stderr unless told. */
export function progressCounter(label: string, options: ProgressOptions & { total?: number; stream?: ProgressStream } = {}): ProgressCounter {
  const progress = new Progress(options.stream ?? process.stderr, label, options);
  let done = 0;
  let failed = 0;
  let total = options.total ?? 0;
  let final = options.total !== undefined;
  const state = (): ProgressState => ({ done: done + failed, total: Math.max(total, done + failed), final, detail: failed > 0 ? `${failed} failed` : undefined });
  return {
    add(count = 1) {
      done += count;
      progress.update(state());
    },
    fail(count = 1) {
      failed += count;
      progress.update(state());
    },
    finish() {
      final = true;
      total = Math.max(total, done + failed);
      progress.finish(state());
    },
  };
}
