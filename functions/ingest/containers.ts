/**
 * WARC and JSONL objects, range by range (issue 11). A range is read from its checkpoint (or its first record), its
 * records are analyzed and recorded a few at a time, and every `checkpointEvery` records its progress is saved in the
 * object item (one UpdateItem, which also checks that this version is still the live one). When the invocation's time
 * runs low the range stops before starting another record, saves where it stopped and hands itself back as a
 * continuation; a killed invocation resumes from its last checkpoint, redoing at most `checkpointEvery` records, whose
 * writes are idempotent (same docId, same sequencer: 'unchanged'). The range that completes the object finishes it
 * (store finishObject: records this version no longer holds are marked deleted).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CoreConfig } from '../core/config.ts';
import { findRecordStart, splitRecords, type PageRecord } from '../core/records/index.ts';
import { recordDocumentId, type ObjectRef, type RangeCursor, type RangeProgress, type RecordOutcome, type SkippedRecord, type Store } from '../store/index.ts';
import { ObjectReadFailed } from './errors.ts';
import { bodyChunks, discard, quoted } from './object-body.ts';
import type { ByteBudget } from './byte-budget.ts';
import type { RangeWorkItem } from './work-items.ts';

/** What a range needs from the ingest around it. */
export interface RangeDeps {
  s3: S3Client;
  store: Store;
  config: CoreConfig;
  /** Analyze and record one record (its RECORD item first): the same path for every record of every object. */
  ingestRecord(objectRef: ObjectRef, record: PageRecord): Promise<{ unlinkedRevisit: boolean }>;
  report(outcome: RecordOutcome, ref: ObjectRef): void;
  /** Records analyzed and recorded at once within one range. */
  recordConcurrency: number;
  /** Records between two checkpoints: a killed invocation redoes at most this many. */
  checkpointEvery: number;
}

/**
 * How long the invocation has left, under how much it starts no new record, and its record slots: the records in
 * flight across every message of the invocation, so what runs when time is up is at most `slots` records.
 */
export interface TimeBudget {
  remainingMs(): number;
  marginMs: number;
  /** A budget of as many units as records may run at once, each record holding one. */
  slots: ByteBudget;
}

export type RangeResult =
  | { status: 'done'; records: number; skipped: number; objectFinished: boolean }
  /** Another version or a removal was applied: nothing more to do for this one. */
  | { status: 'stale' }
  /** Out of time: progress saved; the range must be continued by another invocation. `progressed`: records were done in this one. */
  | { status: 'paused'; records: number; progressed: boolean };

export async function processRange(deps: RangeDeps, item: RangeWorkItem, budget: TimeBudget): Promise<RangeResult> {
  const { object: ref, range, container } = item;
  const state = await deps.store.rangeState(ref, range.index);
  if (state.status === 'stale') return { status: 'stale' };
  if (state.status === 'done') {
    // A redelivered finished range: one read. The last range may have died between its checkpoint and the finish.
    if (state.allDone && !state.finished) await finish(deps, ref);
    return { status: 'done', records: 0, skipped: 0, objectFinished: state.allDone };
  }
  if (budget.remainingMs() < budget.marginMs) return { status: 'paused', records: state.progress.records, progressed: false };

  // A gzipped JSONL file cannot be entered in the middle: it is read from its start, passing over what is done.
  const seekable = !(container.kind === 'jsonl' && container.compressed);
  const cursor = state.progress.cursor;
  const from = seekable ? (cursor?.offset ?? range.start) : 0;
  let toSkip = cursor?.skip ?? 0;
  const body = await getFrom(deps.s3, ref, from);
  if (!body) return { status: 'stale' }; // overwritten since (no version id to read the old one by): the newer event records it
  try {
    let stream: AsyncIterable<Uint8Array> = body.chunks;
    let base = from;
    if (!cursor && range.index > 0) {
      const found = await skipToFirstRecord(body.chunks, container.compressed, range.end === null ? null : range.end - range.start);
      if (!found) return await complete(deps, item, state.progress.records, 0, [], 0);
      stream = found.stream;
      base = from + found.skipped;
    }
    const records = splitRecords(stream, { fileName: ref.key, contentType: container.contentType }, deps.config, {
      offset: base,
      line: seekable ? (cursor?.line ?? 1) : 1,
      kind: container.kind,
      compressed: container.compressed,
    });

    let done = state.progress.records;
    let unlinked = state.progress.unlinked ?? 0;
    let sinceCheckpoint: string[] = [];
    const running = recordsInFlight<{ unlinkedRevisit: boolean }>(budget, deps.recordConcurrency, (result) => {
      if (result.unlinkedRevisit) unlinked += 1;
    });
    let position = 0;
    // Records that are no page (request, warcinfo, image...) are listed with their reason, written before each checkpoint.
    let skipped: SkippedRecord[] = [];
    let skippedCount = 0;
    const listSkipped = async (): Promise<void> => {
      if (skipped.length > 0) await deps.store.addSkippedRecords(ref, skipped);
      skipped = [];
    };
    const drain = (): Promise<void> => running.drain().finally(listSkipped);
    let checkpointedAt = Date.now();
    const checkpointIntervalMs = Math.min(60_000, Math.max(1000, (budget.remainingMs() - budget.marginMs) / 4));
    try {
      for await (const record of records) {
        const index = position++;
        if (toSkip > 0) {
          toSkip -= 1;
          continue;
        }
        const start = recordStart(record, index, seekable);
        if (range.end !== null && start.offset >= range.end) break; // the next range's first record
        if (record.kind === 'skipped') {
          skipped.push({ recordId: record.recordId, reason: record.skipReason ?? 'not a page', ...(record.hints.url ? { url: record.hints.url } : {}) });
          skippedCount += 1;
          continue;
        }
        // A revisit names an earlier record: that one must be recorded first.
        if (record.kind === 'revisit') await drain();
        // Every few records, and every few seconds: a killed invocation loses little, however slow its records are.
        if (sinceCheckpoint.length >= deps.checkpointEvery || (sinceCheckpoint.length > 0 && Date.now() - checkpointedAt >= checkpointIntervalMs)) {
          await drain();
          if (!(await checkpoint(deps, item, { cursor: start, records: done, unlinked, done: false }, sinceCheckpoint))) return { status: 'stale' };
          sinceCheckpoint = [];
          checkpointedAt = Date.now();
        }
        const started = await running.start(() => deps.ingestRecord(ref, record));
        if (!started) {
          // Out of time: this record is not started; the range stops after the ones in flight, and says where.
          await drain();
          if (!(await checkpoint(deps, item, { cursor: start, records: done, unlinked, done: false }, sinceCheckpoint))) return { status: 'stale' };
          return { status: 'paused', records: done, progressed: done > state.progress.records };
        }
        sinceCheckpoint.push(recordDocumentId(ref.bucket, ref.key, record.recordId));
        done += 1;
      }
      await drain();
    } finally {
      await running.settle(); // no write of this invocation outlives it
    }
    return await complete(deps, item, done, unlinked, sinceCheckpoint, skippedCount);
  } finally {
    body.discard();
  }
}

/**
 * The records a range or a reindex has in flight: each takes one of the invocation's record slots and is started only
 * while the time is above the margin; at most `limit` at once. `settled`: each result, as it comes in.
 */
function recordsInFlight<T>(budget: TimeBudget, limit: number, settled: (result: T) => void = () => {}) {
  let inFlight: Promise<T>[] = [];
  return {
    /** Start `task` once a slot is free; false (not started) when the time is under the margin by then. */
    async start(task: () => Promise<T>): Promise<boolean> {
      const release = await budget.slots.acquire(1);
      if (budget.remainingMs() < budget.marginMs) {
        release();
        return false;
      }
      const running = task().finally(release);
      running.catch(() => {}); // observed below, or by drain()
      inFlight.push(running);
      if (inFlight.length >= limit) {
        try {
          const [at, result] = await Promise.race(inFlight.map((promise, at) => promise.then((value) => [at, value] as const)));
          settled(result);
          inFlight.splice(at, 1);
        } catch (error) {
          await Promise.allSettled(inFlight); // no write of this invocation outlives it
          throw error;
        }
      }
      return true;
    },
    /** Wait for every record in flight; the first failure is thrown once all have settled. */
    async drain(): Promise<void> {
      const results = await Promise.allSettled(inFlight);
      inFlight = [];
      for (const result of results) if (result.status === 'fulfilled') settled(result.value);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
    /** Wait for every record in flight, whatever the outcome (on the way out of a failure). */
    async settle(): Promise<void> {
      await Promise.allSettled(inFlight);
    },
  };
}

async function complete(deps: RangeDeps, item: RangeWorkItem, records: number, unlinked: number, sinceCheckpoint: string[], skipped: number): Promise<RangeResult> {
  const saved = await checkpoint(deps, item, { records, unlinked, done: true }, sinceCheckpoint);
  if (!saved) return { status: 'stale' };
  if (saved.allDone) await finish(deps, item.object);
  return { status: 'done', records, skipped, objectFinished: saved.allDone };
}

async function finish(deps: RangeDeps, ref: ObjectRef): Promise<void> {
  for (const outcome of await deps.store.finishObject(ref)) deps.report(outcome, { ...ref, docId: outcome.docId });
}

/**
 * Save the range's progress. Overtaken by another version or a removal: the records it wrote since its last checkpoint
 * (`sinceCheckpoint`) are marked deleted with the newer sequencer, and the range is stale (null).
 */
async function checkpoint(deps: RangeDeps, item: RangeWorkItem, progress: RangeProgress, sinceCheckpoint: string[]): Promise<{ allDone: boolean } | null> {
  const { object: ref, range } = item;
  const saved = await deps.store.checkpointRange(ref, range.index, progress);
  if (saved.status === 'saved') return saved;
  for (const outcome of await deps.store.abandonRecords(ref, saved.sequencer, sinceCheckpoint)) deps.report(outcome, { ...ref, docId: outcome.docId });
  return null;
}

/**
 * Where a record can be resumed from. WARC ids are `@<offset>` (`@<member>+<n>` inside a file gzipped whole); a JSONL
 * record carries its line's offset; a gzipped JSONL file is re-read from its start, skipping `index` records.
 */
function recordStart(record: PageRecord, index: number, seekable: boolean): RangeCursor {
  if (!seekable) return { offset: 0, skip: index };
  const warcId = /^@(\d+)(?:\+(\d+))?$/.exec(record.recordId);
  if (warcId) return { offset: Number(warcId[1]), skip: Number(warcId[2] ?? 0) };
  const line = /^L(\d+)$/.exec(record.recordId);
  return { offset: record.offset ?? 0, skip: 0, line: line ? Number(line[1]) : 1 };
}

/** The object from byte `from`; null when it no longer has the ETag of this version (an unversioned bucket, overwritten). */
async function getFrom(s3: S3Client, ref: ObjectRef, from: number): Promise<{ chunks: AsyncIterable<Uint8Array>; discard(): void } | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId, IfMatch: ref.versionId ? undefined : quoted(ref.eTag), Range: from > 0 ? `bytes=${from}-` : undefined }));
    return { chunks: bodyChunks(object.Body), discard: () => discard(object.Body) };
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (name === 'PreconditionFailed' || $metadata?.httpStatusCode === 412) return null;
    throw new ObjectReadFailed(`S3 GetObject s3://${ref.bucket}/${ref.key} from byte ${from} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads until the first record that starts inside the range (within `rangeBytes` of the stream's start), and returns
 * the stream from there; null when none does (the range is empty: e.g. the later ranges of a WARC gzipped whole).
 */
async function skipToFirstRecord(chunks: AsyncIterable<Uint8Array>, compressed: boolean, rangeBytes: number | null): Promise<{ stream: AsyncIterable<Uint8Array>; skipped: number } | null> {
  const iterator = chunks[Symbol.asyncIterator]();
  let window: Uint8Array = new Uint8Array();
  let dropped = 0; // bytes before the window, already scanned
  let scanFrom = 0;
  for (;;) {
    const next = await iterator.next();
    const final = next.done === true;
    if (!final) window = append(window, next.value);
    const search = findRecordStart(window, compressed, final, scanFrom);
    if ('found' in search) {
      const skipped = dropped + search.found;
      if (rangeBytes !== null && skipped >= rangeBytes) return null;
      const rest = window.subarray(search.found);
      return {
        skipped,
        stream: (async function* () {
          yield rest;
          for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
        })(),
      };
    }
    if ('none' in search) return null;
    // Keep the bytes from the candidate on; forget what was scanned.
    dropped += search.resumeAt;
    window = window.subarray(search.resumeAt);
    scanFrom = 0;
    if (rangeBytes !== null && dropped >= rangeBytes) {
      await iterator.return?.();
      return null;
    }
  }
}

function append(window: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (window.length === 0) return chunk;
  const joined = new Uint8Array(window.length + chunk.length);
  joined.set(window);
  joined.set(chunk, window.length);
  return joined;
}

export type ReindexResult = { status: 'done'; records: number } | { status: 'stale' } | { status: 'paused'; records: number };

/**
 * Reindex (issue 13): read the records `recordIds` of an object again, from the earliest one's offset (a WARC record
 * id is its offset: `@<offset>`, `@<member>+<n>`; a JSONL file is read from its first line, whose number the ids
 * are), and hand each one to the same ingestRecord a range uses, with the object as recorded (its sequencer): the
 * store recomputes a document of an older fingerprint version (`reindexed`) and leaves a current one alone, so a rerun,
 * or a retry after the time ran out, only does what is left. Records of the object not named are passed over unread
 * (parsed, not analyzed); the read stops once every named record was seen.
 */
export async function reindexRecords(deps: RangeDeps, object: ObjectRef, container: RangeWorkItem['container'], recordIds: ReadonlySet<string>, budget: TimeBudget): Promise<ReindexResult> {
  const wanted = new Set(recordIds);
  const offsets = [...wanted].map((recordId) => /^@(\d+)/.exec(recordId)).map((match) => (match ? Number(match[1]) : 0));
  const from = container.kind === 'warc' && offsets.length > 0 ? Math.min(...offsets) : 0;
  const body = await getFrom(deps.s3, object, from);
  if (!body) return { status: 'stale' }; // overwritten since: the newer version's event records it afresh
  const running = recordsInFlight<unknown>(budget, deps.recordConcurrency);
  let records = 0;
  try {
    const hints = { fileName: object.key, contentType: container.contentType };
    for await (const record of splitRecords(body.chunks, hints, deps.config, { offset: from, line: 1, kind: container.kind, compressed: container.compressed })) {
      if (!wanted.delete(record.recordId)) continue;
      if (record.kind === 'revisit') await running.drain(); // its referred record first, as in a range
      if (!(await running.start(() => deps.ingestRecord(object, record)))) {
        await running.drain();
        return { status: 'paused', records };
      }
      records += 1;
      if (wanted.size === 0) break;
    }
    await running.drain();
    return { status: 'done', records };
  } finally {
    await running.settle(); // no write of this invocation outlives it
    body.discard();
  }
}
