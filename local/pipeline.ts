/**
 * The one place where the local tools meet the ingest and store code (functions/ingest, functions/store).
 * Everything else in local/ talks to these few functions, so a change of those modules' API is fixed here only.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CoreConfig } from '../functions/core/config.ts';
import { decodeEventKey } from '../functions/ingest/events.ts';
import type { EarlierCopyVerdict, MismatchKind } from '../functions/core/types.ts';
import { createIngest as createRealIngest } from '../functions/ingest/ingest.ts';
import { createStore, documentIdFor, ensureTable as ensureStoreTable, type StoredDocument } from '../functions/store/index.ts';
import { createDocumentReader, type DocumentReader } from '../functions/store/listing.ts';

export interface Ingest {
  processEvent(event: SQSEvent): Promise<SQSBatchResponse>;
}

/** What the local reports show of one stored document. */
export interface DocumentView {
  key: string;
  docId: string;
  status: string;
  reason: string | null;
  clusterId: string | null;
  original: string | null;
  duplicateOf: string | null;
  distance: number | null;
  /** True when any date verdict holds (mismatchKinds not empty). */
  dateMismatch: boolean;
  /** `content` (claimed date vs its own text), `earlier-copy` (vs its cluster's original); [] when none. */
  mismatchKinds: MismatchKind[];
  /** Evidence of the `content` kind. */
  dateEvidence: string | null;
  /** Evidence of the `earlier-copy` kind: the original, both claimed dates and sources, the gap. */
  earlierCopy: EarlierCopyVerdict | null;
  title: string | null;
}

export interface StoreView {
  getDocument(docId: string): Promise<DocumentView | null>;
  /** What one uploaded object produced: one document, or one per record of a WARC / JSONL file. */
  documentsOfObject(bucket: string, key: string): Promise<DocumentView[]>;
  /** Records of a WARC object that are no page, each with its reason (what an object with zero pages holds). */
  skippedRecordsOf(bucket: string, key: string): Promise<{ recordId: string; reason: string }[]>;
  /** Members of a cluster, original first. */
  documentsInCluster(clusterId: string): Promise<DocumentView[]>;
  listMismatches(): Promise<DocumentView[]>;
}

interface StoreTarget {
  dynamo: DynamoDBClient;
  tableName: string;
}

export async function ensureTable(target: StoreTarget): Promise<void> {
  await ensureStoreTable(target.dynamo, target.tableName);
}

export interface IngestOptions extends StoreTarget {
  s3: S3Client;
  /** The watched bucket: events for any other are ignored, as the deployed function does (BUCKET_NAME). */
  bucket?: string;
  config?: Partial<CoreConfig>;
  /** Told of each object handled: its docId and a short outcome (recorded, rejected, ...). */
  onOutcome?(docId: string, outcome: string): void;
  /** Told of each failure that makes a record retried (the queue only learns that it failed, not why). */
  onFailure?(docId: string, message: string): void;
}

export function createIngest(options: IngestOptions): Ingest {
  return createRealIngest({
    s3: options.s3,
    dynamo: options.dynamo,
    tableName: options.tableName,
    bucket: options.bucket,
    config: options.config,
    observer: {
      outcome: (outcome) => options.onOutcome?.(outcome.docId, outcome.outcome),
      failure: (error, ref) => options.onFailure?.(ref.docId ?? documentIdFor(ref.bucket, ref.key), error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
    },
  });
}

/** How the local tools name a document: its key, and a record of a WARC / JSONL object `<key>#<recordId>`, the way its docId ends. */
export function keyOfDocument(stored: Pick<StoredDocument, 'key' | 'recordId'>): string {
  return stored.recordId ? `${stored.key}#${stored.recordId}` : stored.key;
}

/** The decoded object keys of dead-lettered messages (each an S3 event notification, as the bridge sends them). */
export function deadLetteredKeys(deadLetters: readonly { body: string }[]): Set<string> {
  const keys = new Set<string>();
  for (const letter of deadLetters) {
    try {
      const body = JSON.parse(letter.body) as { Records?: { s3?: { object?: { key?: string } } }[] };
      for (const record of body.Records ?? []) if (typeof record.s3?.object?.key === 'string') keys.add(decodeEventKey(record.s3.object.key));
    } catch {
      // A body that is not an S3 event names no key; it is still counted by the queue's dead letters.
    }
  }
  return keys;
}

function toView(stored: StoredDocument): DocumentView {
  return {
    key: keyOfDocument(stored),
    docId: stored.docId,
    status: stored.status,
    reason: stored.reason ?? stored.reasonCode ?? null,
    clusterId: stored.clusterId ?? null,
    // clusterId is the docId of the cluster's original.
    original: stored.clusterId ?? null,
    duplicateOf: stored.duplicateOf ?? null,
    distance: stored.distance ?? null,
    dateMismatch: stored.dateMismatch ?? false,
    mismatchKinds: stored.mismatchKinds ?? [],
    dateEvidence: stored.dateEvidence ?? null,
    earlierCopy: stored.earlierCopy ?? null,
    title: stored.title ?? null,
  };
}

export function openStore(target: StoreTarget): StoreView {
  const store = createStore({ client: target.dynamo, tableName: target.tableName });
  return {
    async getDocument(docId) {
      const stored = await store.getDocument(docId);
      return stored ? toView(stored) : null;
    },
    documentsOfObject: async (bucket, key) => (await store.documentsOfObject(bucket, key)).map(toView),
    skippedRecordsOf: (bucket, key) => store.skippedRecordsOf(bucket, key),
    documentsInCluster: async (clusterId) => (await store.documentsInCluster(clusterId)).map(toView),
    listMismatches: async () => (await store.listMismatches()).map(toView),
  };
}

/** Every document of the table, page by page (a Scan), for `export`. */
export function openDocumentReader(target: StoreTarget): DocumentReader {
  return createDocumentReader({ client: target.dynamo, tableName: target.tableName });
}

export type { DocumentReader };
