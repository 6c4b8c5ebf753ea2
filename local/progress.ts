/**
 * A progress line on stderr: a redrawn bar on a terminal, plain lines otherwise (logs, CI, pipes), so a log never
 * fills with carriage returns and a terminal never scrolls.
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

const BAR_WIDTH = 30;
/** A terminal is redrawn at most this often. */
const REDRAW_MS = 100;

export class Progress {
  private lastDrawn = 0;
  private lastLine = '';

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  static text(label: string, state: ProgressState): string {
    const total = `${state.total}${state.final ? '' : '+'}`;
    const percent = state.final && state.total > 0 ? ` (${Math.floor((state.done / state.total) * 100)}%)` : '';
    return `${label}: ${state.done}/${total} objects${percent}${state.detail ? `, ${state.detail}` : ''}`;
  }

  static bar(state: ProgressState): string {
    const filled = state.total > 0 ? Math.round((state.done / state.total) * BAR_WIDTH) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  }

  /** On a terminal: redraw (throttled). Otherwise: only when `milestone` (e.g. a listing page done). */
  update(state: ProgressState, milestone = false): void {
    const line = Progress.text(this.label, state);
    if (this.stream.isTTY) {
      if (this.now() - this.lastDrawn < REDRAW_MS) return;
      this.lastDrawn = this.now();
      const full = `${Progress.bar(state)} ${line}`;
      this.stream.write(`\r${full.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    } else if (milestone && line !== this.lastLine) {
      this.lastLine = line;
      this.stream.write(`${line}\n`);
    }
  }

  finish(state: ProgressState): void {
    const line = Progress.text(this.label, state);
    if (this.stream.isTTY) this.stream.write(`\r${Progress.bar(state)} ${line}\x1b[K\n`);
    else if (line !== this.lastLine) this.stream.write(`${line}\n`);
  }
}
