/**
 * The DynamoDB store: the only code that speaks DynamoDB or knows the key design (schema.ts has it in full).
 *
 *   DOC#<docId> / DOC                 the document: object version, fingerprint (sketch as Binary, items.ts), dates, status, cluster label
 *   BAND#<i>#<4 hex> / <docId>        4 band items per recorded document (docId, simhash, fingerprintVersion): candidate lookup
 *                                     (StoreOptions.indexLayout may choose another layout: one item per table, index-layout.ts)
 *   CLUSTER#<id> / CLUSTER            a cluster's root record, once it has two members; `mergedInto` redirects a merged cluster (write-once)
 *   CLUSTER#<id> / MEMBER#<docId>     every other document ever labelled with the cluster (consistent relabel on merge)
 *   GSIs (sparse, INCLUDE projections sized to their readers): byCluster (pages in clusters of two or more, original
 *   first: the root record is the original's entry; exact copies are a cluster's entries of one contentHash), mismatches
 *   Sort keys embedding a docId are shortened when over DynamoDB's 1,024 bytes (keys.ts sortKey); items keep docId.
 *
 * clusterId = docId of the cluster's original = the member with the lowest rank (believed date, then first seen,
 * then docId). Writes are ordered per object by the S3 sequencer; convergence uses conditional writes only
 * (see clusters.ts for the protocol).
 */
import type { InputRejected } from '../core/errors.ts';
import type { PageAnalysis } from '../core/types.ts';
import { assignCluster, findCandidates, type Candidate, type ClusterRoot } from './clusters.ts';
import { markDeleted, recordDocument, recordRejected, repairIndex } from './documents.ts';
import { createContext, type StoreOptions } from './dynamo.ts';
import { documentsInCluster, exactDuplicates, getDocument, listMismatches } from './queries.ts';
import {
  abandonRecords,
  addRecord,
  addSkippedRecords,
  beginObject,
  checkpointRange,
  documentsOfObject,
  finishObject,
  objectProgress,
  rangeState,
  recordsBehind,
  removeObject,
  skippedRecordsOf,
  type CheckpointResult,
  type ObjectProgress,
  type ObjectStart,
  type RangeProgress,
  type RangeState,
  type RecordsBehind,
  type SkippedRecord,
} from './objects.ts';
import { recordRevisit, type RevisitOutcome, type RevisitReference } from './revisits.ts';
import type { ObjectRef, RecordOutcome, StoredDocument } from './types.ts';
import { datingOfItem } from './verdicts.ts';

export interface Store {
  recordDocument(ref: ObjectRef, analysis: PageAnalysis): Promise<RecordOutcome>;
  recordRejected(ref: ObjectRef, rejection: Pick<InputRejected, 'code' | 'message'>): Promise<RecordOutcome>;
  markDeleted(ref: ObjectRef): Promise<RecordOutcome>;
  /** Band-sharing near-duplicates of a fingerprint, judged from the band items (not checked against their documents). */
  findCandidates(fingerprint: { docId?: string; simhash: string; sketch: string; fingerprintVersion?: number; weakBits?: readonly number[] }): Promise<Candidate[]>;
  /** Re-write a recorded document's index items and re-run its clustering (idempotent repair); null when it is not recorded. */
  assignCluster(docId: string): Promise<ClusterRoot | null>;
  getDocument(docId: string): Promise<StoredDocument | null>;
  documentsInCluster(clusterId: string): Promise<StoredDocument[]>;
  /** What one S3 object produced: the documents of its records (WARC, JSONL) or its own document. */
  documentsOfObject(bucket: string, key: string): Promise<StoredDocument[]>;
  /** The exact copies of a recorded page (same normalized text), itself among them, earliest first; none when it is not recorded. */
  exactDuplicates(docId: string): Promise<StoredDocument[]>;
  listMismatches(): Promise<StoredDocument[]>;
  // Container objects (WARC, JSONL: many records per object), see objects.ts and revisits.ts.
  /** Claim the object for this event before its records, split in `rangeCount` ranges: 'stale' if a newer event or a removal was applied. */
  beginObject(ref: ObjectRef, rangeCount?: number): Promise<ObjectStart>;
  /** List a record of the object (and, for a page with url and capture date, its capture) before its document is written. */
  addRecord(ref: ObjectRef & { recordId: string }, page: boolean): Promise<void>;
  /** List records of the object that are no page (request, warcinfo, image, redirect...), each with its reason. */
  addSkippedRecords(ref: ObjectRef, skipped: readonly SkippedRecord[]): Promise<void>;
  /** The skipped records listed for an object (an object with zero pages is recorded with these alone). */
  skippedRecordsOf(bucket: string, key: string): Promise<SkippedRecord[]>;
  /** After all ranges: mark deleted the listed records this version no longer holds (or all, if removed meanwhile). */
  finishObject(ref: ObjectRef): Promise<RecordOutcome[]>;
  /** Where a range of this version stands ('stale' once another version or a removal was applied). */
  rangeState(ref: ObjectRef, index: number): Promise<RangeState>;
  /** Save a range's progress while this version is live; 'overtaken' otherwise. */
  checkpointRange(ref: ObjectRef, index: number, progress: RangeProgress): Promise<CheckpointResult>;
  /** Mark deleted, with the newer version's sequencer, the records an overtaken range wrote after its last checkpoint. */
  abandonRecords(ref: ObjectRef, newerSequencer: string | undefined, docIds: string[]): Promise<RecordOutcome[]>;
  /** Records done / ranges done / ranges total of a WARC or JSONL object; null for a single page. */
  objectProgress(bucket: string, key: string): Promise<ObjectProgress | null>;
  /** The records of a WARC or JSONL object of a fingerprint version older than `version`, and the object version they came from; null: none. */
  recordsBehind(bucket: string, key: string, version: number): Promise<RecordsBehind | null>;
  /** ObjectRemoved: every listed record of the object is marked deleted ([] for an object that holds no records). */
  removeObject(ref: ObjectRef): Promise<RecordOutcome[]>;
  /** A WARC revisit: an exact duplicate of the referred document (same object: its docId; else found by URI + date). */
  recordRevisit(ref: ObjectRef, refersTo: RevisitReference, sameObjectDocId?: string): Promise<RevisitOutcome>;
}

export function createStore(options: StoreOptions): Store {
  const ctx = createContext(options);
  return {
    recordDocument: (ref, analysis) => recordDocument(ctx, ref, analysis),
    recordRejected: (ref, rejection) => recordRejected(ctx, ref, rejection),
    markDeleted: (ref) => markDeleted(ctx, ref),
    findCandidates: (fingerprint) => findCandidates(ctx, { docId: fingerprint.docId ?? '', simhash: fingerprint.simhash, sketch: fingerprint.sketch, fingerprintVersion: fingerprint.fingerprintVersion, weakBits: fingerprint.weakBits }),
    async assignCluster(docId) {
      const document = await getDocument(ctx, docId);
      if (document?.status !== 'recorded' || !document.simhash || !document.sketch) return null;
      const self = { docId, simhash: document.simhash, sketch: document.sketch, dating: datingOfItem(document) };
      // A revisit has no index items of its own (revisits.ts); a page gets back any its first run failed to write.
      if (document.kind !== 'revisit' && document.rank) await repairIndex(ctx, self, document.rank, document.contentHash);
      return assignCluster(ctx, self);
    },
    getDocument: (docId) => getDocument(ctx, docId),
    documentsInCluster: (clusterId) => documentsInCluster(ctx, clusterId),
    documentsOfObject: (bucket, key) => documentsOfObject(ctx, bucket, key),
    exactDuplicates: (docId) => exactDuplicates(ctx, docId),
    listMismatches: () => listMismatches(ctx),
    beginObject: (ref, rangeCount) => beginObject(ctx, ref, rangeCount),
    addRecord: (ref, page) => addRecord(ctx, ref, page),
    addSkippedRecords: (ref, skipped) => addSkippedRecords(ctx, ref, skipped),
    skippedRecordsOf: (bucket, key) => skippedRecordsOf(ctx, bucket, key),
    finishObject: (ref) => finishObject(ctx, ref),
    rangeState: (ref, index) => rangeState(ctx, ref, index),
    checkpointRange: (ref, index, progress) => checkpointRange(ctx, ref, index, progress),
    abandonRecords: (ref, newerSequencer, docIds) => abandonRecords(ctx, ref, newerSequencer, docIds),
    objectProgress: (bucket, key) => objectProgress(ctx, bucket, key),
    recordsBehind: (bucket, key, version) => recordsBehind(ctx, bucket, key, version),
    removeObject: (ref) => removeObject(ctx, ref),
    recordRevisit: (ref, refersTo, sameObjectDocId) => recordRevisit(ctx, ref, refersTo, sameObjectDocId),
  };
}

export { ensureTable, requireTable } from './table.ts';
export { STORE_DEFAULTS, type StoreOptions, type StoreLimits } from './dynamo.ts';
export { documentIdFor, keyOfDocId, recordDocumentId } from './keys.ts';
export { DEFAULT_INDEX_LAYOUT_NAME, INDEX_LAYOUT_NAMES, indexLayoutNamed, isIndexLayoutName, type IndexLayoutName } from './index-layout.ts';
export type { CheckpointResult, ObjectProgress, ObjectStart, RangeCursor, RangeProgress, RangeState, RecordsBehind, SkippedRecord } from './objects.ts';
export type { RevisitOutcome, RevisitReference } from './revisits.ts';
export * from './errors.ts';
export type { Candidate, ClusterRoot } from './clusters.ts';
export type { DocumentStatus, ObjectRef, RecordOutcome, StoredDocument } from './types.ts';
