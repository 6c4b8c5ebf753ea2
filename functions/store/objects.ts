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
 * Races between a create and a remove of the same object are closed like cluster labels (clusters.ts): the remover
 * writes the object's tombstone, marks the object item deleted and THEN lists the records; the creator claims the
 * object item, writes each record item and THEN, at the end, re-reads the object item and the tombstone. Either the
 * remover's list sees the record, or the creator sees the deletion and marks its records deleted itself.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { markDeleted } from './documents.ts';
import { attempt, batchGetConsistent, batchWrite, forEachLimited, getConsistent, queryAll, type Item, type StoreContext } from './dynamo.ts';
import { isConditionFailed } from './errors.ts';
import { fitItem } from './limits.ts';
import { captureKey, documentIdFor, documentKey, objectKey, objectPartition, recordDocumentId, recordKey, sequencerKey, skippedKey } from './keys.ts';
import { KEY_PREFIXES } from './schema.ts';
import { toStoredDocument } from './queries.ts';
import type { ObjectRef, RecordOutcome, StoredDocument } from './types.ts';

/** Concurrent tombstone writes when an object's records are marked deleted. */
const DELETE_CONCURRENCY = 8;

export type ObjectStart = 'new' | 'redelivery' | 'stale';

/**
 * Claim the object for this event before its records are written: 'stale' when a newer event (or a removal, whose
 * tombstone is the object's own document `<bucket>/<key>`) was applied already; 'redelivery' for the same event.
 */
export async function beginObject(ctx: StoreContext, ref: ObjectRef): Promise<ObjectStart> {
  const seqKey = sequencerKey(ref.sequencer);
  const [current, tombstone] = await Promise.all([getConsistent(ctx, objectKey(ref.bucket, ref.key)), getConsistent(ctx, documentKey(documentIdFor(ref.bucket, ref.key)))]);
  if (tombstone?.status === 'deleted' && tombstone.sequencerKey > seqKey) return 'stale';
  if (current && current.sequencerKey > seqKey) return 'stale';
  if (current?.sequencerKey === seqKey) return current.status === 'deleted' ? 'stale' : 'redelivery';
  try {
    await attempt('UpdateItem object', () =>
      ctx.db.send(
        new UpdateCommand({
          TableName: ctx.table,
          Key: objectKey(ref.bucket, ref.key),
          UpdateExpression: 'SET #status = :recorded, #bucket = :bucket, #key = :key, sequencer = :sequencer, sequencerKey = :sequencerKey, eTag = :eTag, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(pk) OR sequencerKey < :sequencerKey',
          ExpressionAttributeNames: { '#status': 'status', '#bucket': 'bucket', '#key': 'key' },
          ExpressionAttributeValues: {
            ':recorded': 'recorded',
            ':bucket': ref.bucket,
            ':key': ref.key,
            ':sequencer': ref.sequencer ?? null,
            ':sequencerKey': seqKey,
            ':eTag': ref.eTag ?? null,
            ':now': ctx.now(),
          },
        }),
      ),
    );
  } catch (error) {
    if (isConditionFailed(error)) return 'stale'; // a newer event claimed it between our read and write
    throw error;
  }
  return 'new';
}

/** List the record (and its capture, for revisits elsewhere) before its document is written. */
export async function addRecord(ctx: StoreContext, ref: ObjectRef & { recordId: string }, page: boolean): Promise<void> {
  const docId = recordDocumentId(ref.bucket, ref.key, ref.recordId);
  const writes: { put: Item }[] = [{ put: { ...recordKey(ref.bucket, ref.key, ref.recordId), docId, recordId: ref.recordId } }];
  if (page && ref.url && ref.captureDate) {
    // The key hashes the full URL; the item keeps it within VALUE_LIMITS (limits.ts).
    writes.push({ put: fitItem({ ...captureKey(ref.url, ref.captureDate), docId, url: ref.url, captureDate: ref.captureDate }, ctx.limits.maxItemBytes) });
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
    fitItem({ ...skippedKey(ref.bucket, ref.key, record.recordId), recordId: record.recordId, reason: record.reason, ...(record.url ? { url: record.url } : {}) }, ctx.limits.maxItemBytes);
  await batchWrite(ctx, skipped.map((record) => ({ put: put(record) })));
}

/** Record ids in file order: `@1196` after `@720`, `@0+10` after `@0+9` (sort keys order them as strings). */
const fileOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The skipped records listed for the object (in file order), with a consistent Query of its partition. */
export async function skippedRecordsOf(ctx: StoreContext, bucket: string, key: string): Promise<SkippedRecord[]> {
  const { skipped } = await listedRecords(ctx, { bucket, key });
  return skipped.map(({ sk, ...record }) => record).sort((a, b) => fileOrder(a.recordId, b.recordId));
}

/** docIds of every record listed for the object, with a consistent Query of its partition. */
async function listedRecords(
  ctx: StoreContext,
  ref: ObjectRef,
): Promise<{ object: Item | undefined; records: { recordId: string; docId: string }[]; skipped: (SkippedRecord & { sk: string })[] }> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': objectPartition(ref.bucket, ref.key) },
    ConsistentRead: true,
  });
  const object = items.find((item) => item.sk === KEY_PREFIXES.objectSort);
  const records = items
    .filter((item) => (item.sk as string).startsWith(KEY_PREFIXES.record))
    // recordId is an attribute since record sort keys may be shortened (keys.ts); older items only had it in the key.
    .map((item) => ({ recordId: (item.recordId as string | undefined) ?? (item.sk as string).slice(KEY_PREFIXES.record.length), docId: item.docId as string }));
  const skipped = items
    .filter((item) => (item.sk as string).startsWith(KEY_PREFIXES.skipped))
    .map((item) => ({ sk: item.sk as string, recordId: item.recordId as string, reason: item.reason as string, ...(item.url ? { url: item.url as string } : {}) }));
  return { object, records, skipped };
}

/**
 * The documents an object produced: its records' documents (WARC, JSONL; recordId order) or, for a single page, its own
 * document. One consistent Query of the object's partition, then one BatchGet.
 */
export async function documentsOfObject(ctx: StoreContext, bucket: string, key: string): Promise<StoredDocument[]> {
  const { records } = await listedRecords(ctx, { bucket, key });
  const docIds = records.length > 0 ? records.map((record) => record.docId) : [documentIdFor(bucket, key)];
  const items = await batchGetConsistent(ctx, docIds.map(documentKey));
  const order = new Map(docIds.map((docId, index) => [docId, index]));
  return items.map(toStoredDocument).sort((a, b) => order.get(a.docId)! - order.get(b.docId)!);
}

async function markRecordsDeleted(ctx: StoreContext, ref: ObjectRef, docIds: string[]): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  await forEachLimited(docIds, DELETE_CONCURRENCY, async (docId) => {
    outcomes.push(await markDeleted(ctx, { ...ref, docId }));
  });
  return outcomes;
}

/**
 * After all records of this event were written: records listed for the object but not in this version (an overwrite
 * with fewer records) are marked deleted; if a removal was applied meanwhile, all of them are, with its sequencer.
 */
export async function finishObject(ctx: StoreContext, ref: ObjectRef, recordIds: ReadonlySet<string>, skippedIds: ReadonlySet<string> = new Set()): Promise<RecordOutcome[]> {
  const [{ object, records, skipped }, tombstone] = await Promise.all([listedRecords(ctx, ref), getConsistent(ctx, documentKey(documentIdFor(ref.bucket, ref.key)))]);
  // A removal that came meanwhile: the object item says so, or (if the remover read no object item yet) its tombstone.
  const removal = object?.status === 'deleted' ? object : tombstone?.status === 'deleted' && tombstone.sequencerKey > sequencerKey(ref.sequencer) ? tombstone : null;
  if (removal) {
    return markRecordsDeleted(ctx, { bucket: ref.bucket, key: ref.key, sequencer: removal.sequencer ?? undefined }, records.map((record) => record.docId));
  }
  if (object && object.sequencerKey !== sequencerKey(ref.sequencer)) return []; // a newer version is being written: its own finish cleans up
  // Skipped records an older version listed and this one does not hold: nothing points at them, so they just go.
  const staleSkipped = skipped.filter((record) => !skippedIds.has(record.recordId));
  if (staleSkipped.length > 0) await batchWrite(ctx, staleSkipped.map((record) => ({ delete: { pk: objectPartition(ref.bucket, ref.key), sk: record.sk } })));
  return markRecordsDeleted(ctx, ref, records.filter((record) => !recordIds.has(record.recordId)).map((record) => record.docId));
}

/**
 * ObjectRemoved of a container: the object item becomes a tombstone (ordered by sequencer), then every listed record
 * is marked deleted. An object that never held records (a single page) has no partition: one empty Query.
 */
export async function removeObject(ctx: StoreContext, ref: ObjectRef): Promise<RecordOutcome[]> {
  const seqKey = sequencerKey(ref.sequencer);
  const current = await getConsistent(ctx, objectKey(ref.bucket, ref.key));
  if (!current) return [];
  if (current.sequencerKey > seqKey) return [];
  if (current.sequencerKey < seqKey) {
    try {
      await attempt('UpdateItem object delete', () =>
        ctx.db.send(
          new UpdateCommand({
            TableName: ctx.table,
            Key: objectKey(ref.bucket, ref.key),
            UpdateExpression: 'SET #status = :deleted, sequencer = :sequencer, sequencerKey = :sequencerKey, updatedAt = :now',
            ConditionExpression: 'sequencerKey < :sequencerKey',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':deleted': 'deleted', ':sequencer': ref.sequencer ?? null, ':sequencerKey': seqKey, ':now': ctx.now() },
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailed(error)) return []; // a newer event got there first
      throw error;
    }
  }
  const { records, skipped } = await listedRecords(ctx, ref);
  // Skipped records have no document: their listing just goes with the object.
  if (skipped.length > 0) await batchWrite(ctx, skipped.map((record) => ({ delete: { pk: objectPartition(ref.bucket, ref.key), sk: record.sk } })));
  return markRecordsDeleted(ctx, ref, records.map((record) => record.docId));
}
