/**
 * Container objects (WARC, JSONL): one S3 object holds many documents, `<bucket>/<key>#<recordId>` each.
 *
 *   OBJECT#<bucket>/<key> / OBJECT             the latest event applied to the object (sequencerKey) and its status
 *   OBJECT#<bucket>/<key> / RECORD#<recordId>  one per record, written BEFORE the record's document
 *   CAPTURE#<sha256 of url> / <capture date>   which record captured a URL at a date (for revisits in other files)
 *
 * Why a record list in the object's own partition rather than a GSI or a Scan: ObjectRemoved must find every record
 * of the object, and a consistent Query of one partition is the cheapest read that cannot miss one (a GSI is only
 * eventually consistent, so a delete right after the upload could miss records still propagating).
 * The list costs one small write per record, batched with the capture item.
 *
 * Ranges (issue 11): an object too big for one invocation is read as ranges of bytes, each processed by its own
 * invocations (functions/ingest/containers.ts). The object item holds every range's checkpoint in one map,
 * `ranges.<index> = { c: cursor of the first record not done, r: records done, d: done }`, written every few records
 * with a condition on the object's sequencerKey and status: a checkpoint is also the check that this version is still
 * the live one. A range that learns it was overtaken marks deleted (with the newer sequencer) the records it wrote since
 * its last successful checkpoint; records before that were listed before the newer version claimed the object, so its
 * finish (or the removal) handles them. Each RECORD item carries the sequencerKey of the version that listed it, so the
 * finish of a version marks deleted exactly the records no range of that version listed.
 *
 * Races between a create and a remove of the same object are closed like cluster labels (clusters.ts): the remover
 * writes the object's tombstone, marks the object item deleted and THEN lists the records; the creator claims the
 * object item, writes each record item and THEN, at the end, re-reads the object item and the tombstone. Either the
 * remover's list sees the record, or the creator sees the deletion and marks its records deleted itself.
 */
import { markDeleted, storedVersion } from './documents.ts';
import { batchGetConsistent, batchWrite, forEachLimited, getConsistent, queryAll, writeIf, type Item, type StoreContext } from './dynamo.ts';
import {
  captureItemFor,
  objectItemFor,
  readDocumentItem,
  readObjectItem,
  readRecordItem,
  readSkippedItem,
  recordItemFor,
  skippedItemFor,
  updateSetting,
  type DocumentItem,
  type ObjectItem,
  type RangeCursor,
  type StoredRange,
} from './items.ts';
import { fitItem } from './limits.ts';
import {
  documentIdFor,
  documentKey,
  ITEM_ABSENT,
  objectKey,
  objectPartition,
  partitionQuery,
  recordDocumentId,
  sequencerKey,
  skippedKey,
  sortKeyOf,
} from './keys.ts';
import { KEY_PREFIXES } from './schema.ts';
import { toStoredDocument } from './queries.ts';
import type { ObjectRef, RecordOutcome, StoredDocument } from './types.ts';

/** Concurrent tombstone writes when an object's records are marked deleted. */
const DELETE_CONCURRENCY = 8;

export type ObjectStart = 'new' | 'redelivery' | 'stale';

export type { RangeCursor } from './items.ts';

export interface RangeProgress {
  /** The first record not done yet (absent: the range's start). */
  cursor?: RangeCursor;
  /** Records of the range done so far (recorded, rejected or revisits). */
  records: number;
  /** Revisits recorded without their original (not known yet): a delivery of the object again reads the range again, to link them. */
  unlinked?: number;
  done: boolean;
}

export type RangeState =
  | { status: 'stale' }
  | { status: 'done'; allDone: boolean; finished: boolean }
  | { status: 'open'; progress: RangeProgress };

export type CheckpointResult =
  | { status: 'saved'; allDone: boolean }
  /** Another version or a removal was applied: the sequencer to mark this range's newest records deleted with. */
  | { status: 'overtaken'; sequencer: string | undefined };

/** How far an object is: what the object item says (null for an object that holds no records or is unknown). */
export interface ObjectProgress {
  status: string;
  recordsDone: number;
  rangesDone: number;
  rangesTotal: number;
  /** Every range done and the records this version no longer holds marked deleted. */
  finished: boolean;
}

/**
 * Claim the object for this event before its records are written: 'stale' when a newer event (or a removal, whose
 * tombstone is the object's own document `<bucket>/<key>`) was applied already; 'redelivery' for the same event.
 */
export async function beginObject(ctx: StoreContext, ref: ObjectRef, rangeCount = 1): Promise<ObjectStart> {
  const seqKey = sequencerKey(ref.sequencer);
  const [current, tombstone] = await Promise.all([getObjectItem(ctx, ref.bucket, ref.key), getObjectDocument(ctx, ref.bucket, ref.key)]);
  if (tombstone?.status === 'deleted' && tombstone.sequencerKey > seqKey) return 'stale';
  if (current && current.sequencerKey > seqKey) return 'stale';
  if (current?.sequencerKey === seqKey) return current.status === 'deleted' ? 'stale' : 'redelivery';
  const claimed = objectItemFor(ref.bucket, ref.key, {
    status: 'recorded',
    bucket: ref.bucket,
    key: ref.key,
    sequencer: ref.sequencer ?? null,
    sequencerKey: seqKey,
    eTag: ref.eTag ?? null,
    updatedAt: ctx.now(),
    ranges: Object.fromEntries(Array.from({ length: rangeCount }, (_, index) => [String(index), { r: 0, d: false } satisfies StoredRange])),
    rangesTotal: rangeCount,
  });
  // An update of these attributes (an earlier version's `finished` goes), so the claim can be conditioned on the event order.
  const setting = updateSetting(claimed, ['finished']);
  const claim = await writeIf(ctx, 'UpdateItem object', {
    update: {
      ...setting,
      ConditionExpression: `${ITEM_ABSENT} OR sequencerKey < :sequencerKey`,
      ExpressionAttributeValues: { ...setting.ExpressionAttributeValues, ':sequencerKey': seqKey },
    },
  });
  return claim.written ? 'new' : 'stale'; // not written: a newer event claimed it between our read and write
}

/** List the record (and its capture, for revisits elsewhere) before its document is written. */
export async function addRecord(ctx: StoreContext, ref: ObjectRef & { recordId: string }, page: boolean): Promise<void> {
  const docId = recordDocumentId(ref.bucket, ref.key, ref.recordId);
  // sequencerKey: which version listed the record last, so that version's finish knows the records it no longer holds.
  const writes: { put: Item }[] = [{ put: recordItemFor(ref.bucket, ref.key, { docId, recordId: ref.recordId, sequencerKey: sequencerKey(ref.sequencer) }) }];
  if (page && ref.url && ref.captureDate) {
    // The key hashes the full URL; the item keeps it within VALUE_LIMITS (limits.ts).
    writes.push({ put: fitItem(captureItemFor({ docId, url: ref.url, captureDate: ref.captureDate }), ctx.limits.maxItemBytes) });
  }
  await batchWrite(ctx, writes);
}

export interface SkippedRecord {
  recordId: string;
  reason: string;
  url?: string;
}

/** List records of the object that are no page, each with why (no document is written for them). */
export async function addSkippedRecords(ctx: StoreContext, ref: ObjectRef, skipped: readonly SkippedRecord[]): Promise<void> {
  // reason and url come from the input (a record type, a content type, a WARC-Target-URI): bounded by VALUE_LIMITS.
  const put = (record: SkippedRecord): Item =>
    fitItem(
      skippedItemFor(ref.bucket, ref.key, { recordId: record.recordId, reason: record.reason, sequencerKey: sequencerKey(ref.sequencer), ...(record.url ? { url: record.url } : {}) }),
      ctx.limits.maxItemBytes,
    );
  await batchWrite(ctx, skipped.map((record) => ({ put: put(record) })));
}

/** Record ids in file order: `@1196` after `@720`, `@0+10` after `@0+9` (sort keys order them as strings). */
const fileOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The skipped records listed for the object (in file order), with a consistent Query of its partition. */
export async function skippedRecordsOf(ctx: StoreContext, bucket: string, key: string): Promise<SkippedRecord[]> {
  const { skipped } = await listedRecords(ctx, { bucket, key });
  return skipped.sort((a, b) => fileOrder(a.recordId, b.recordId));
}

/** docIds of every record listed for the object, with a consistent Query of its partition. */
async function listedRecords(
  ctx: StoreContext,
  ref: ObjectRef,
): Promise<{ object: ObjectItem | undefined; records: { recordId: string; docId: string; sequencerKey?: string }[]; skipped: (SkippedRecord & { sequencerKey?: string })[] }> {
  const items = await queryAll(ctx, { ...partitionQuery(objectPartition(ref.bucket, ref.key)), ConsistentRead: true });
  const stored = items.find((item) => sortKeyOf(item) === KEY_PREFIXES.objectSort);
  const object = stored && readObjectItem(stored);
  const records = items
    .filter((item) => sortKeyOf(item).startsWith(KEY_PREFIXES.record))
    // recordId is an attribute since record sort keys may be shortened (keys.ts); older items only had it in the key.
    .map((item) => readRecordItem(item, sortKeyOf(item).slice(KEY_PREFIXES.record.length)));
  const skipped = items.filter((item) => sortKeyOf(item).startsWith(KEY_PREFIXES.skipped)).map(readSkippedItem);
  return { object, records, skipped };
}

/**
 * The documents an object produced: its records' documents (WARC, JSONL; recordId order) or, for a single page, its own
 * document. One consistent Query of the object's partition, then one BatchGet.
 */
export async function documentsOfObject(ctx: StoreContext, bucket: string, key: string): Promise<StoredDocument[]> {
  return (await documentItemsOfObject(ctx, bucket, key)).map(({ stored }) => toStoredDocument(stored));
}

/** The document items of documentsOfObject, as stored and typed, in the same order. */
async function documentItemsOfObject(ctx: StoreContext, bucket: string, key: string): Promise<{ stored: Item; document: DocumentItem }[]> {
  const { records } = await listedRecords(ctx, { bucket, key });
  const docIds = records.length > 0 ? records.map((record) => record.docId) : [documentIdFor(bucket, key)];
  // A join hint at a record's key is no document (clusters.ts hintPending): readDocumentItem leaves it out.
  const items = (await batchGetConsistent(ctx, docIds.map(documentKey))).flatMap((stored) => {
    const document = readDocumentItem(stored);
    return document ? [{ stored, document }] : [];
  });
  const order = new Map(docIds.map((docId, index) => [docId, index]));
  return items.sort((a, b) => order.get(a.document.docId)! - order.get(b.document.docId)!);
}

/** Records of a WARC or JSONL object to recompute, and the version of the object they were recorded from. */
export interface RecordsBehind {
  /** The object as recorded: its version id, ETag, sequencer and size, to read the very bytes the records came from. */
  object: ObjectRef;
  recordIds: string[];
}

/**
 * The recorded records of a WARC or JSONL object whose documents are of a fingerprint version older than `version`
 * (none stored: 1, documents.ts storedVersion). A revisit carries its original's fingerprint: it is behind when its
 * original (in this object) is, or was recomputed since. Of those, the records of the newest version recorded (by
 * sequencerKey, should an overwrite be in flight); null when no record is behind. One Query and one BatchGet.
 */
export async function recordsBehind(ctx: StoreContext, bucket: string, key: string, version: number): Promise<RecordsBehind | null> {
  const live = (await documentItemsOfObject(ctx, bucket, key)).flatMap(({ document }) =>
    document.status === 'recorded' && document.recordId !== undefined ? [{ ...document, recordId: document.recordId }] : [],
  );
  const byId = new Map(live.map((document) => [document.docId, document]));
  const isOld = (document: DocumentItem): boolean => document.kind !== 'revisit' && storedVersion(document) < version;
  const isBehind = (document: DocumentItem): boolean => {
    const original = document.kind === 'revisit' && document.revisitOf ? byId.get(document.revisitOf) : undefined;
    return isOld(document) || (original !== undefined && (isOld(original) || original.simhash !== document.simhash));
  };
  const behind = live.filter(isBehind);
  if (behind.length === 0) return null;
  const recorded = behind.reduce((newest, document) => (document.sequencerKey > newest.sequencerKey ? document : newest));
  return {
    object: { bucket, key, versionId: recorded.versionId, eTag: recorded.eTag, sequencer: recorded.sequencer, size: recorded.size },
    recordIds: behind.filter((document) => document.sequencerKey === recorded.sequencerKey).map((document) => document.recordId),
  };
}

/** Skipped records have no document: deleting their items is all there is to it. */
async function deleteSkippedRecords(ctx: StoreContext, ref: ObjectRef, skipped: readonly SkippedRecord[]): Promise<void> {
  if (skipped.length > 0) await batchWrite(ctx, skipped.map((record) => ({ delete: skippedKey(ref.bucket, ref.key, record.recordId) })));
}

async function markRecordsDeleted(ctx: StoreContext, ref: ObjectRef, docIds: string[]): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  await forEachLimited(docIds, DELETE_CONCURRENCY, async (docId) => {
    outcomes.push(await markDeleted(ctx, { ...ref, docId }));
  });
  return outcomes;
}

/**
 * After every range of this version is done: records listed for the object but not by this version (an overwrite with
 * fewer records) are marked deleted; if a removal was applied meanwhile, all of them are, with its sequencer. Then the
 * object is marked finished, so a redelivery costs one read.
 */
export async function finishObject(ctx: StoreContext, ref: ObjectRef): Promise<RecordOutcome[]> {
  const seqKey = sequencerKey(ref.sequencer);
  const [{ object, records, skipped }, tombstone] = await Promise.all([listedRecords(ctx, ref), getObjectDocument(ctx, ref.bucket, ref.key)]);
  // A removal that came meanwhile: the object item says so, or (if the remover read no object item yet) its tombstone.
  const removal = object?.status === 'deleted' ? object : tombstone?.status === 'deleted' && tombstone.sequencerKey > seqKey ? tombstone : null;
  if (removal) {
    return markRecordsDeleted(ctx, { bucket: ref.bucket, key: ref.key, sequencer: removal.sequencer ?? undefined }, records.map((record) => record.docId));
  }
  if (object && object.sequencerKey !== seqKey) return []; // a newer version is being written: its own finish cleans up
  // Skipped records an older version listed and no range of this one did: nothing points at them, so they just go.
  const staleSkipped = skipped.filter((record) => (record.sequencerKey ?? '') < seqKey);
  await deleteSkippedRecords(ctx, ref, staleSkipped);
  const outcomes = await markRecordsDeleted(ctx, ref, records.filter((record) => (record.sequencerKey ?? '') < seqKey).map((record) => record.docId));
  // Not written: overtaken meanwhile, the newer version's finish or the removal cleans up.
  await writeIf(ctx, 'UpdateItem object finished', {
    update: {
      Key: objectKey(ref.bucket, ref.key),
      UpdateExpression: 'SET finished = :true, updatedAt = :now',
      ConditionExpression: 'sequencerKey = :sequencerKey',
      ExpressionAttributeValues: { ':true': true, ':sequencerKey': seqKey, ':now': ctx.now() },
    },
  });
  return outcomes;
}

function rangeOf(object: ObjectItem | undefined, index: number): StoredRange | undefined {
  return object?.ranges[String(index)];
}

function allRangesDone(object: ObjectItem): boolean {
  return Object.values(object.ranges).every((range) => range.d);
}

/** The object item, typed (undefined: none), with one consistent read. */
async function getObjectItem(ctx: StoreContext, bucket: string, key: string): Promise<ObjectItem | undefined> {
  const stored = await getConsistent(ctx, objectKey(bucket, key));
  return stored && readObjectItem(stored);
}

/** The object's own document `<bucket>/<key>` (undefined: none), with one consistent read: for a container, the tombstone a removal writes first. */
async function getObjectDocument(ctx: StoreContext, bucket: string, key: string): Promise<DocumentItem | undefined> {
  return readDocumentItem(await getConsistent(ctx, documentKey(documentIdFor(bucket, key))));
}

/** Where a range of this version stands: one consistent read of the object item. */
export async function rangeState(ctx: StoreContext, ref: ObjectRef, index: number): Promise<RangeState> {
  const object = await getObjectItem(ctx, ref.bucket, ref.key);
  const range = rangeOf(object, index);
  if (!object || object.sequencerKey !== sequencerKey(ref.sequencer) || object.status !== 'recorded' || !range) return { status: 'stale' };
  // Done, unless revisits of it wait for their originals: then read again (what is done is 'unchanged'), to link them.
  if (range.d && !range.u) return { status: 'done', allDone: allRangesDone(object), finished: object.finished === true };
  if (range.d) return { status: 'open', progress: { records: 0, done: false } };
  return { status: 'open', progress: { cursor: range.c, records: range.r, done: false } };
}

/**
 * Save a range's progress, only while this version is the object's live one (same sequencerKey, not removed). A done
 * range learns whether it was the last one (the object item as written comes back).
 */
export async function checkpointRange(ctx: StoreContext, ref: ObjectRef, index: number, progress: RangeProgress): Promise<CheckpointResult> {
  const stored: StoredRange = { r: progress.records, d: progress.done, ...(progress.cursor ? { c: progress.cursor } : {}), ...(progress.unlinked ? { u: progress.unlinked } : {}) };
  const saved = await writeIf(ctx, 'UpdateItem object range', {
    update: {
      Key: objectKey(ref.bucket, ref.key),
      UpdateExpression: 'SET ranges.#index = :range, updatedAt = :now',
      ConditionExpression: 'sequencerKey = :sequencerKey AND #status = :recorded',
      ExpressionAttributeNames: { '#index': String(index), '#status': 'status' },
      ExpressionAttributeValues: { ':range': stored, ':sequencerKey': sequencerKey(ref.sequencer), ':recorded': 'recorded', ':now': ctx.now() },
      ReturnValues: progress.done ? 'ALL_NEW' : 'NONE',
    },
  });
  if (saved.written) return { status: 'saved', allDone: progress.done && saved.attributes !== undefined && allRangesDone(readObjectItem(saved.attributes)) };
  const current = await getObjectItem(ctx, ref.bucket, ref.key);
  const tombstone = current ? undefined : await getObjectDocument(ctx, ref.bucket, ref.key);
  return { status: 'overtaken', sequencer: (current ?? tombstone)?.sequencer ?? undefined };
}

/** Records this range wrote after its last checkpoint, when a newer version or a removal overtook it: marked deleted with the newer sequencer (documents the newer version wrote stay). */
export async function abandonRecords(ctx: StoreContext, ref: ObjectRef, newerSequencer: string | undefined, docIds: string[]): Promise<RecordOutcome[]> {
  return markRecordsDeleted(ctx, { bucket: ref.bucket, key: ref.key, sequencer: newerSequencer }, docIds);
}

/** How far an object is (one read); null when it has no object item (a single page, or never seen). */
export async function objectProgress(ctx: StoreContext, bucket: string, key: string): Promise<ObjectProgress | null> {
  const object = await getObjectItem(ctx, bucket, key);
  if (!object) return null;
  const ranges = Object.values(object.ranges);
  return {
    status: object.status,
    recordsDone: ranges.reduce((sum, range) => sum + range.r, 0),
    rangesDone: ranges.filter((range) => range.d).length,
    rangesTotal: ranges.length,
    finished: object.finished === true,
  };
}

/**
 * ObjectRemoved of a container: the object item becomes a tombstone (ordered by sequencer), then every listed record
 * is marked deleted. An object that never held records (a single page) has no partition: one empty Query.
 */
export async function removeObject(ctx: StoreContext, ref: ObjectRef): Promise<RecordOutcome[]> {
  const seqKey = sequencerKey(ref.sequencer);
  const current = await getObjectItem(ctx, ref.bucket, ref.key);
  if (!current) return [];
  if (current.sequencerKey > seqKey) return [];
  if (current.sequencerKey < seqKey) {
    const removal = await writeIf(ctx, 'UpdateItem object delete', {
      update: {
        Key: objectKey(ref.bucket, ref.key),
        UpdateExpression: 'SET #status = :deleted, sequencer = :sequencer, sequencerKey = :sequencerKey, updatedAt = :now',
        ConditionExpression: 'sequencerKey < :sequencerKey',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deleted': 'deleted', ':sequencer': ref.sequencer ?? null, ':sequencerKey': seqKey, ':now': ctx.now() },
      },
    });
    if (!removal.written) return []; // a newer event got there first
  }
  const { records, skipped } = await listedRecords(ctx, ref);
  // Skipped records have no document: their listing just goes with the object.
  await deleteSkippedRecords(ctx, ref, skipped);
  return markRecordsDeleted(ctx, ref, records.map((record) => record.docId));
}
