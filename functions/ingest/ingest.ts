/**
 * The ingest, independent of Lambda: S3 event record -> read the object -> analyze (pure core) -> store.
 * The Lambda handler and the embedded local stack both drive this very code with their own clients.
 *
 * Failure policy: input the core can never analyze (InputRejected) is recorded as 'rejected', never thrown.
 * Everything else that fails (S3, DynamoDB, a bug) is thrown, so SQS retries the record and then dead-letters it.
 * A created object that is gone by the time we read it (NoSuchKey) is skipped as 'missing': its delete event,
 * which S3 always sends, records the tombstone; retrying could never succeed.
 *
 * Objects are streamed through the core's record readers: a single page becomes the document `<bucket>/<key>` exactly
 * as before; a WARC or JSONL object (splitRecords, by range: containers.ts) becomes one document per record, `<bucket>/<key>#<recordId>`, read one record
 * at a time (a 1 GB WARC is never held). See functions/store/objects.ts for how an object's records are listed,
 * replaced by an overwrite and deleted with it.
 *
 * Bounded invocations (issue 11): every invocation gets a context with getRemainingTimeInMillis(). Batch messages are
 * started a few at a time and none once the remaining time is under the safety margin (they go back as
 * batchItemFailures, unstarted). A WARC or JSONL object is split into ranges (work-items.ts), each processed and
 * checkpointed by containers.ts; a range out of time is handed back as a continuation on the ingest queue (`send`), so
 * a big object never depends on one invocation and a retry resumes instead of starting over.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, S3Event, S3EventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { analyzePage } from '../core/analyze.ts';
import { FINGERPRINT_VERSION } from '../core/fingerprint.ts';
import { resolveCoreConfig, type CoreConfig } from '../core/config.ts';
import { InputRejected, REJECT_CODES } from '../core/errors.ts';
import { detectContainer, HEAD_BYTES, singlePage, type PageRecord } from '../core/records/index.ts';
import { isGzip, peekHead } from '../core/records/stream.ts';
import { createStore, documentIdFor, recordDocumentId, type IndexLayoutName, type ObjectRef, type RecordOutcome, type RevisitOutcome } from '../store/index.ts';
import { createByteBudget, DEFAULT_IN_FLIGHT_BYTES, type ByteBudget } from './byte-budget.ts';
import { processRange, reindexRecords, type TimeBudget } from './containers.ts';
import { ObjectReadFailed, OutOfTime, ReindexPaused } from './errors.ts';
import { bodyChunks, discard, stripQuotes } from './object-body.ts';
import {
  actionOf,
  backfillRecord,
  directS3Records,
  ignoredBecause,
  isBackfillEvent,
  objectRefOf,
  removesOneVersion,
  s3RecordsOfMessage,
  type BackfillEvent,
  type EventBridgeS3Event,
  type S3TestEvent,
} from './events.ts';
import { safetyMarginMs } from './function-limits.ts';
import { MAX_STALLED_CONTINUATIONS, planRanges, RANGE_SOURCE, rangeWorkItemOf, type RangeWorkItem } from './work-items.ts';

export type IngestOutcome =
  | RecordOutcome
  /** A WARC revisit record (see functions/store/revisits.ts). */
  | RevisitOutcome
  /** Not an object event we handle (e.g. ObjectRestore), another bucket, outside the watched prefix, or an old version's removal. */
  | { docId: string; outcome: 'ignored'; reason: string }
  /** The object no longer exists (deleted before we read it). */
  | { docId: string; outcome: 'missing' }
  /** The object was overwritten after this event (other ETag); the newer event records it. */
  | { docId: string; outcome: 'superseded' }
  /** A WARC or JSONL object: each of its records' outcomes went to the observer. */
  | { docId: string; outcome: 'container'; records: number; skipped?: number }
  /** A WARC or JSONL object split into ranges, each a work item on the ingest queue. */
  | { docId: string; outcome: 'planned'; ranges: number }
  /** A range of an object: done (records: done in this invocation), or paused and continued by another invocation. */
  | { docId: string; outcome: 'range-done' | 'range-continued'; range: number; records: number; skipped?: number };

export interface IngestObserver {
  outcome?(outcome: IngestOutcome, ref: ObjectRef): void;
  /** A record failed (it will be retried); `messageId`: the SQS message it came in, when any, which messageFailed then reports too. */
  failure?(error: unknown, ref: ObjectRef, messageId?: string): void;
  /** An SQS message failed (it will be retried, then dead-lettered): its id, the object it was about when known, why. */
  messageFailed?(error: unknown, message: { messageId: string; bucket?: string; key?: string }): void;
}

export interface IngestDeps {
  s3: S3Client;
  dynamo: DynamoDBClient;
  tableName: string;
  config?: Partial<CoreConfig>;
  /** Candidate index layout of the table (functions/store/index-layout.ts); the store's default when absent. */
  indexLayout?: IndexLayoutName;
  /** Only keys under this prefix are ingested (others: 'ignored'). */
  watchPrefix?: string;
  /** Only events for this bucket are ingested (others: 'ignored', with a log line); any bucket when absent. */
  bucket?: string;
  observer?: IngestObserver;
  /**
   * Puts messages on the ingest queue (SQS SendMessageBatch in Lambda, the local queue in the embedded stack): ranges
   * of a big object and continuations. Without it every range is processed in the invocation that finds it, and a
   * range out of time fails its message, whose redelivery resumes from the checkpoint.
   */
  send?(bodies: string[]): Promise<void>;
  /** Bytes per range of a WARC (default RANGE_DEFAULTS.rangeBytes). */
  rangeBytes?: number;
  /** Records analyzed at once within a range, and batch messages started at once. */
  concurrency?: number;
  /** Records between two checkpoints of a range. */
  checkpointEvery?: number;
  /** Bytes of objects processed at once (byte-budget.ts); default DEFAULT_IN_FLIGHT_BYTES. Or a budget shared with other ingests. */
  inFlightBytes?: number | ByteBudget;
}

/** The Lambda context the ingest uses: how long it has left. Without one (a caller that is not a Lambda), no deadline. */
export type InvocationContext = Pick<Context, 'getRemainingTimeInMillis'>;

export type IngestEvent = SQSEvent | S3Event | BackfillEvent | EventBridgeS3Event | S3TestEvent;

export interface Ingest {
  processS3Record(record: S3EventRecord, context?: InvocationContext): Promise<IngestOutcome>;
  /** SQS batches (partial failures reported), direct S3 events and backfill batches (any failure throws, for a retry). */
  processEvent(event: IngestEvent, context?: InvocationContext): Promise<SQSBatchResponse>;
}

export const RANGE_DEFAULTS = {
  /** 8 MiB: a 1 GB WARC is 128 ranges of a few hundred records, each well within one 60 s invocation. */
  rangeBytes: 8 * 1024 * 1024,
  /** Analysis is CPU-bound; a few at once overlap one record's DynamoDB round trips with another's parsing. */
  concurrency: 4,
  checkpointEvery: 50,
} as const;

function budgetOf(context: InvocationContext | undefined, concurrency: number): TimeBudget {
  const slots = createByteBudget(concurrency);
  if (!context) return { remainingMs: () => Number.POSITIVE_INFINITY, marginMs: 0, slots };
  return { remainingMs: () => context.getRemainingTimeInMillis(), marginMs: safetyMarginMs(Math.max(context.getRemainingTimeInMillis(), 1)), slots };
}

function isMissingObject(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound';
}

/** S3 answers 403, not 404, for a missing key to a reader without s3:ListBucket (or under a bucket policy's deny). */
function isAccessDenied(error: unknown): boolean {
  return (error as { name?: string }).name === 'AccessDenied' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403;
}

export function createIngest(deps: IngestDeps): Ingest {
  const config = resolveCoreConfig(deps.config);
  const store = createStore({ client: deps.dynamo, tableName: deps.tableName, config, indexLayout: deps.indexLayout });
  const report = (outcome: IngestOutcome, ref: ObjectRef): void => deps.observer?.outcome?.(outcome, ref);
  const rangeBytes = deps.rangeBytes ?? RANGE_DEFAULTS.rangeBytes;
  const concurrency = deps.concurrency ?? RANGE_DEFAULTS.concurrency;
  const rangeDeps = { s3: deps.s3, store, config, ingestRecord, report, recordConcurrency: concurrency, checkpointEvery: deps.checkpointEvery ?? RANGE_DEFAULTS.checkpointEvery };
  const byteBudget = typeof deps.inFlightBytes === 'object' ? deps.inFlightBytes : createByteBudget(deps.inFlightBytes ?? DEFAULT_IN_FLIGHT_BYTES);
  /** What an object holds in memory while processed: its size, but never more than one page (a WARC is streamed). */
  const bytesHeld = (ref: ObjectRef): number => Math.min(ref.size ?? config.maxInputBytes, config.maxInputBytes);

  /** An object over the single-page limit may still be a WARC or JSONL of many small records: its first bytes tell. */
  async function mayHoldRecords(ref: ObjectRef): Promise<boolean> {
    try {
      const head = await deps.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId, Range: `bytes=0-${HEAD_BYTES - 1}` }));
      const bytes = head.Body ? await head.Body.transformToByteArray() : new Uint8Array();
      return detectContainer({ fileName: ref.key, contentType: head.ContentType }, bytes) !== 'single';
    } catch (error) {
      if (isMissingObject(error) || isAccessDenied(error)) return true; // the full read below tells missing from denied
      throw new ObjectReadFailed(`S3 GetObject (first bytes) s3://${ref.bucket}/${ref.key} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * After a 403: list the key (the role may list the watched prefix, and only it: a condition on s3:prefix, which a
   * HEAD does not carry). Not listed: the object is gone. Listed, or the listing fails too: a real denial.
   */
  async function isGone(ref: ObjectRef): Promise<boolean> {
    try {
      const listing = await deps.s3.send(new ListObjectsV2Command({ Bucket: ref.bucket, Prefix: ref.key, MaxKeys: 1 }));
      return !(listing.Contents ?? []).some((object) => object.Key === ref.key);
    } catch {
      return false;
    }
  }

  /** A removal of a version that is not the recorded one (a noncurrent version expiring): the current object stays. */
  async function removesOlderVersion(record: S3EventRecord, ref: ObjectRef): Promise<boolean> {
    if (!removesOneVersion(record)) return false;
    const live = (await store.documentsOfObject(ref.bucket, ref.key)).filter((document) => document.status !== 'deleted');
    return live.length > 0 && live.every((document) => document.versionId !== undefined && document.versionId !== ref.versionId);
  }

  async function ingestCreated(ref: ObjectRef, docId: string, budget: TimeBudget): Promise<IngestOutcome> {
    if (ref.size !== undefined && ref.size > config.maxInputBytes && !(await mayHoldRecords(ref))) {
      // Rejected from the event and the first bytes alone: never download what can never be analyzed.
      return store.recordRejected(ref, new InputRejected(REJECT_CODES.tooLarge, `object is ${ref.size} bytes, over the ${config.maxInputBytes}-byte limit`));
    }
    let object: GetObjectCommandOutput;
    try {
      object = await deps.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
    } catch (error) {
      if (isMissingObject(error) || (isAccessDenied(error) && (await isGone(ref)))) return { docId, outcome: 'missing' };
      throw new ObjectReadFailed(`S3 GetObject s3://${ref.bucket}/${ref.key} failed: ${(error as Error).message}`, { cause: error });
    }
    if (!ref.versionId && ref.eTag && stripQuotes(object.ETag) !== stripQuotes(ref.eTag)) {
      discard(object.Body);
      return { docId, outcome: 'superseded' };
    }
    const current: ObjectRef = { ...ref, contentType: object.ContentType, size: ref.size ?? object.ContentLength };
    const hints = { contentType: object.ContentType, fileName: ref.key, metadata: object.Metadata };
    try {
      const { head, stream } = await peekHead(bodyChunks(object.Body), HEAD_BYTES);
      const kind = detectContainer(hints, head);
      if (kind !== 'single') {
        discard(object.Body); // each range reads what it needs
        const container = { kind, compressed: isGzip(head), contentType: object.ContentType };
        return await ingestContainer(current, docId, container, budget);
      }
      // A single page takes one of the invocation's record slots (ranges take one per record), then checks the time.
      const release = await budget.slots.acquire(1);
      try {
        if (budget.remainingMs() < budget.marginMs) throw new OutOfTime(`s3://${ref.bucket}/${ref.key} not started: ${budget.remainingMs()} ms left`);
        // Already told a single page by its head: read it as one, without detecting the container again.
        return await ingestSinglePage(current, await singlePage(stream, hints, config));
      } finally {
        release();
      }
    } catch (error) {
      if (error instanceof InputRejected) return store.recordRejected(current, error);
      throw error;
    } finally {
      discard(object.Body);
    }
  }

  /** Exactly the single-page path of before: the document is `<bucket>/<key>`. */
  async function ingestSinglePage(ref: ObjectRef, record: PageRecord): Promise<IngestOutcome> {
    if (record.error) return store.recordRejected(ref, record.error);
    try {
      return await store.recordDocument(ref, analyzePage(record.bytes, record.hints, config));
    } catch (error) {
      if (error instanceof InputRejected) return store.recordRejected(ref, error);
      throw error;
    }
  }

  /**
   * Claim the object for this event and split it into ranges. One range is processed here; several go on the queue as
   * work items (all of them again on a redelivery: a done range costs one read), or are processed here in turn when
   * there is no queue to send to.
   */
  async function ingestContainer(ref: ObjectRef, docId: string, container: RangeWorkItem['container'], budget: TimeBudget): Promise<IngestOutcome> {
    const ranges = planRanges(ref.size ?? 0, container, rangeBytes);
    if ((await store.beginObject(ref, ranges.length)) === 'stale') return reindexContainer(ref, docId, container, budget);
    const items = ranges.map((range): RangeWorkItem => ({ source: RANGE_SOURCE, object: ref, container, range }));
    if (items.length > 1 && deps.send) {
      await deps.send(items.map((item) => JSON.stringify(item)));
      return { docId, outcome: 'planned', ranges: items.length };
    }
    let records = 0;
    let skipped = 0;
    for (const item of items) {
      const outcome = await ingestRange(item, budget);
      if (outcome.outcome === 'stale') return { docId, outcome: 'stale' };
      records += 'records' in outcome ? outcome.records : 0;
      skipped += 'skipped' in outcome ? (outcome.skipped ?? 0) : 0;
    }
    return { docId, outcome: 'container', records, skipped };
  }

  /**
   * An event no newer than the one recorded (a backfill's or reindex's, sequencer 0) for a WARC or JSONL object: its
   * records fingerprinted with an older version (the store's recordsBehind) are read again by their record ids and recomputed (reindexRecords),
   * with the object as recorded; revisits of them take their new fingerprint. Nothing older: `stale`, as before.
   * Out of time: what is done stays done (the store recomputes each record once). With a queue to send to, the
   * object's event goes back on it as a continuation (continueOnQueue), as a range does; without one, or when nothing
   * was done, the message or backfill batch fails, and its retry reads only the records still behind.
   */
  async function reindexContainer(ref: ObjectRef, docId: string, container: RangeWorkItem['container'], budget: TimeBudget): Promise<IngestOutcome> {
    const behind = await store.recordsBehind(ref.bucket, ref.key, FINGERPRINT_VERSION);
    if (!behind) return { docId, outcome: 'stale' };
    const recordIds = new Set(behind.recordIds);
    const result = await reindexRecords(rangeDeps, behind.object, container, recordIds, budget);
    if (result.status === 'stale') return { docId, outcome: 'stale' };
    if (result.status === 'paused') throw new ReindexPaused(`reindex of s3://${ref.bucket}/${ref.key} paused after ${result.records} of ${recordIds.size} records: out of time`, result.records > 0);
    return { docId, outcome: 'container', records: result.records };
  }

  /** One range: done, stale, or out of time (continued through the queue; without one, failed for a redelivery). */
  async function ingestRange(item: RangeWorkItem, budget: TimeBudget): Promise<IngestOutcome> {
    const docId = documentIdFor(item.object.bucket, item.object.key);
    const result = await processRange(rangeDeps, item, budget);
    if (result.status === 'stale') return { docId, outcome: 'stale' };
    if (result.status === 'done') return { docId, outcome: 'range-done', range: item.range.index, records: result.records, skipped: result.skipped };
    const stalled = result.progressed ? 0 : (item.stalled ?? 0) + 1;
    if (!deps.send || stalled > MAX_STALLED_CONTINUATIONS) {
      // Failed instead of continued: SQS redelivers it after the visibility timeout, and dead-letters a range that never moves.
      throw new OutOfTime(`range ${item.range.index + 1}/${item.range.count} of s3://${item.object.bucket}/${item.object.key} paused after ${result.records} records: out of time`);
    }
    await deps.send([JSON.stringify({ ...item, stalled })]);
    return { docId, outcome: 'range-continued', range: item.range.index, records: result.records };
  }

  async function ingestRecord(objectRef: ObjectRef, record: PageRecord): Promise<{ unlinkedRevisit: boolean }> {
    const { bucket, key } = objectRef;
    const ref = {
      ...objectRef,
      docId: recordDocumentId(bucket, key, record.recordId),
      recordId: record.recordId,
      contentType: record.hints.contentType,
      captureDate: record.captureDate,
      url: record.hints.url,
    };
    await store.addRecord(ref, record.kind === 'page' && !record.error);
    let outcome: IngestOutcome;
    if (record.error) {
      outcome = await store.recordRejected(ref, record.error);
    } else if (record.kind === 'revisit') {
      const { recordId: referredRecordId, ...refersTo } = record.refersTo ?? {};
      outcome = await store.recordRevisit(ref, refersTo, referredRecordId ? recordDocumentId(bucket, key, referredRecordId) : undefined);
    } else {
      outcome = await ingestSinglePage(ref, record);
    }
    report(outcome, ref);
    return { unlinkedRevisit: outcome.outcome === 'revisit' && !('revisitOf' in outcome && outcome.revisitOf) };
  }

  async function processS3Record(record: S3EventRecord, context?: InvocationContext, budget = budgetOf(context, concurrency), messageId?: string): Promise<IngestOutcome> {
    const ref = objectRefOf(record);
    const docId = documentIdFor(ref.bucket, ref.key);
    try {
      const ignored = ignoredBecause(record, ref, { bucket: deps.bucket, watchPrefix: deps.watchPrefix });
      let outcome: IngestOutcome;
      if (ignored) {
        outcome = { docId, outcome: 'ignored', reason: ignored };
      } else if (actionOf(record) === 'removed' && (await removesOlderVersion(record, ref))) {
        outcome = { docId, outcome: 'ignored', reason: `version ${ref.versionId} removed is not the recorded one; the current version stays` };
      } else if (actionOf(record) === 'removed') {
        // The object's own tombstone first (objects.ts relies on this order), then its records, if it held any.
        outcome = await store.markDeleted(ref);
        for (const removed of await store.removeObject(ref)) report(removed, { ...ref, docId: removed.docId });
      } else {
        outcome = await byteBudget.run(bytesHeld(ref), () => ingestCreated(ref, docId, budget));
      }
      report(outcome, ref);
      return outcome;
    } catch (error) {
      // A reindex out of time that made progress is continued through the queue (continueOnQueue): not a failure.
      if (!(error instanceof ReindexPaused && error.progressed && deps.send)) deps.observer?.failure?.(error, ref, messageId);
      throw error;
    }
  }

  async function processWorkItem(item: RangeWorkItem, budget: TimeBudget, messageId: string): Promise<void> {
    try {
      // A range streams its records: it holds about one page at a time (a few in flight), as a single page does.
      report(await byteBudget.run(config.maxInputBytes, () => ingestRange(item, budget)), item.object);
    } catch (error) {
      deps.observer?.failure?.(error, item.object, messageId);
      throw error;
    }
  }

  async function processMessage(message: SQSRecord, budget: TimeBudget, invocation: { ranges: number }): Promise<void> {
    let current: { bucket?: string; key?: string } = {};
    try {
      // Checked when the message's turn comes: one not started in time goes back unstarted, as a batchItemFailure.
      if (budget.remainingMs() < budget.marginMs) throw new OutOfTime(`message ${message.messageId} not started: ${budget.remainingMs()} ms left`);
      const item = rangeWorkItemOf(message.body);
      if (item) {
        current = { bucket: item.object.bucket, key: item.object.key };
        if (deps.send && invocation.ranges >= 1) {
          // One range per invocation: the ranges of a big object arrive in one batch, and would share one invocation's
          // CPU; sent back as new messages they go to other invocations, in parallel (not a stall, not a receive).
          await deps.send([message.body]);
          return;
        }
        invocation.ranges += 1;
        return await processWorkItem(item, budget, message.messageId);
      }
      for (const record of s3RecordsOfMessage(message)) {
        // The key as sent, then decoded (a malformed %-escape fails the decoding: the log still names the key).
        current = { bucket: record.s3?.bucket?.name, key: record.s3?.object?.key };
        current.key = objectRefOf(record).key;
        await continueOnQueue(() => processS3Record(record, undefined, budget, message.messageId), record);
      }
    } catch (error) {
      deps.observer?.messageFailed?.(error, { messageId: message.messageId, ...current });
      throw error;
    }
  }

  /**
   * Run `work` on the object of `record`; when it is a reindex out of time that made progress and there is a queue,
   * put the object's event back on the ingest queue as a continuation: a big WARC's records are recomputed over as
   * many invocations as it takes, without using up the message's receives or the state machine's retries.
   */
  async function continueOnQueue(work: () => Promise<unknown>, record: S3EventRecord): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ReindexPaused && error.progressed && deps.send)) throw error;
      await deps.send([JSON.stringify({ Records: [record] } satisfies S3Event)]);
    }
  }

  /** Every item is tried; then any failure fails the invocation, so Step Functions retries the batch (done items are then 'unchanged'). */
  async function processBackfill(event: BackfillEvent, budget: TimeBudget): Promise<SQSBatchResponse> {
    const failed: string[] = [];
    for (const item of event.Items) {
      try {
        const record = backfillRecord(event.bucket, item);
        await continueOnQueue(() => processS3Record(record, undefined, budget), record);
      } catch (error) {
        failed.push(`${item.Key}: ${(error as Error).message}`);
      }
    }
    if (failed.length > 0) throw new Error(`backfill: ${failed.length} of ${event.Items.length} objects failed:\n${failed.join('\n')}`);
    return { batchItemFailures: [] };
  }

  async function processEvent(event: IngestEvent, context?: InvocationContext): Promise<SQSBatchResponse> {
    const budget = budgetOf(context, concurrency);
    if (isBackfillEvent(event)) return processBackfill(event, budget);
    const direct = directS3Records(event);
    if (direct) {
      // A direct invocation (S3 notification, EventBridge rule, s3:TestEvent) has no partial-batch contract: any failure fails (and retries) the whole event.
      // A reindex out of time that made progress is continued through the queue, as from a message or a backfill batch.
      for (const record of direct) await continueOnQueue(() => processS3Record(record, context, budget), record);
      return { batchItemFailures: [] };
    }
    // One processor and one budget per call: they hold per-batch state, and the local stack runs several invocations at once.
    const processor = new BatchProcessor(EventType.SQS);
    const invocation = { ranges: 0 };
    return processPartialResponse(event as SQSEvent, (message: SQSRecord) => processMessage(message, budget, invocation), processor, { throwOnFullBatchFailure: false });
  }

  return { processS3Record, processEvent };
}
