/**
 * Where the local tools run the functions: the ingest (createIngest), the store views the local commands read
 * (openStore, openDocumentReader, ensureTable, requireTable), and how they name a document (keyOfDocId, the store's). No other local/ file
 * builds an ingest or a store (test/local/gateway.test.ts checks it); they may import pure parts of functions/
 * directly (core analysis for `fingerprint`, types, constants, the store's key and the ingest's event-key functions).
 * No local/ file builds or parses a docId by hand: documentIdFor (the store's) and keyOfDocId (the store's, re-exported below) do.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CoreConfig } from '../functions/core/config.ts';
import { objectRefOf, s3RecordsOfMessage } from '../functions/ingest/events.ts';
import type { EarlierCopyVerdict, MismatchKind } from '../functions/core/types.ts';
import { createIngest as createRealIngest, type InvocationContext } from '../functions/ingest/ingest.ts';
import { rangeWorkItemOf } from '../functions/ingest/work-items.ts';
import {
  createStore,
  documentIdFor,
  ensureTable as ensureStoreTable,
  keyOfDocId,
  recordDocumentId,
  requireTable as requireStoreTable,
  type StoredDocument,
} from '../functions/store/index.ts';
import type { IndexLayoutName } from '../functions/store/index-layout.ts';
import { createDocumentReader, type DocumentReader } from '../functions/store/listing.ts';
import { localDynamoClient, localS3Client } from './servers.ts';

export interface Ingest {
  processEvent(event: SQSEvent, context?: InvocationContext): Promise<SQSBatchResponse>;
}

/** How far a WARC / JSONL object is (null for a single page). */
export interface ObjectProgressView {
  recordsDone: number;
  rangesDone: number;
  rangesTotal: number;
  finished: boolean;
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
  objectProgress(bucket: string, key: string): Promise<ObjectProgressView | null>;
}

interface StoreTarget {
  dynamo: DynamoDBClient;
  tableName: string;
}

export async function ensureTable(target: StoreTarget): Promise<void> {
  await ensureStoreTable(target.dynamo, target.tableName);
}

/** A table must exist already: only the commands that start a stack create one (the SDK's ResourceNotFoundException otherwise). */
export async function requireTable(target: StoreTarget): Promise<void> {
  await requireStoreTable(target.dynamo, target.tableName);
}

/** What an invocation's worker thread needs to build its own ingest (plain data: it crosses to the worker). */
export interface IngestInit {
  s3Endpoint: string;
  dynamoEndpoint: string;
  tableName: string;
  /** The watched bucket (BUCKET_NAME). */
  bucket?: string;
  config?: Partial<CoreConfig>;
  /** Bytes per range of a big WARC (tests use small ones). */
  rangeBytes?: number;
  /** Candidate index layout (INDEX_LAYOUT; default: the store's). */
  indexLayout?: IndexLayoutName;
}

export interface IngestOptions extends StoreTarget {
  s3: S3Client;
  /** The watched bucket: events for any other are ignored, as the deployed function does (BUCKET_NAME). */
  bucket?: string;
  config?: Partial<CoreConfig>;
  rangeBytes?: number;
  indexLayout?: IndexLayoutName;
  /** Messages the function puts on its own queue (ranges of a big object, continuations). */
  send?(bodies: string[]): Promise<void>;
  /** Told of each document or object handled: its docId, a short outcome (recorded, rejected, ...), and the docId of the object it came from. */
  onOutcome?(docId: string, outcome: string, objectId: string): void;
  /** Told of each failure that makes a record retried (the queue only learns that it failed, not why). */
  onFailure?(docId: string, message: string): void;
}

export function createIngest(options: IngestOptions | (IngestInit & Omit<IngestOptions, 's3' | 'dynamo'>)): Ingest {
  const clients = 's3' in options ? options : { s3: localS3Client(options.s3Endpoint), dynamo: localDynamoClient(options.dynamoEndpoint) };
  return createRealIngest({
    s3: clients.s3,
    dynamo: clients.dynamo,
    tableName: options.tableName,
    bucket: options.bucket,
    config: options.config,
    send: options.send,
    rangeBytes: options.rangeBytes,
    indexLayout: options.indexLayout,
    observer: {
      outcome: (outcome, ref) => options.onOutcome?.(outcome.docId, outcome.outcome, documentIdFor(ref.bucket, ref.key)),
      failure: (error, ref) => options.onFailure?.(ref.docId ?? documentIdFor(ref.bucket, ref.key), error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
    },
  });
}

/** How the local tools name a document: its docId without the bucket (the store's keyOfDocId). */
export { keyOfDocId };

/** The same name from a stored document's object and record (the attributes every reader of the table has). */
export function keyOfDocument(stored: Pick<StoredDocument, 'bucket' | 'key' | 'recordId'>): string {
  const docId = stored.recordId ? recordDocumentId(stored.bucket, stored.key, stored.recordId) : documentIdFor(stored.bucket, stored.key);
  return keyOfDocId(docId, stored.bucket);
}

/** The objects a queued message is about, read as the ingest reads it: a range work item's, or its S3 events' (keys decoded). */
export function objectsOfMessage(body: string): { bucket: string; key: string }[] {
  try {
    const item = rangeWorkItemOf(body);
    if (item) return [{ bucket: item.object.bucket, key: item.object.key }];
    return s3RecordsOfMessage({ messageId: 'queued', body }).flatMap((record) => {
      try {
        const { bucket, key } = objectRefOf(record);
        return [{ bucket, key }];
      } catch {
        return []; // a malformed %-escape or record: the message names no key the report can show
      }
    });
  } catch {
    return []; // a body that is neither names no object; it is still counted by the queue's dead letters
  }
}

/** The docIds a queued message is about, for the report's failure reasons. */
export function docIdsOfMessage(body: string): string[] {
  return objectsOfMessage(body).map((object) => documentIdFor(object.bucket, object.key));
}

/** The decoded object keys of dead-lettered messages (S3 event notifications, or ranges of a big object). */
export function deadLetteredKeys(deadLetters: readonly { body: string }[]): Set<string> {
  return new Set(deadLetters.flatMap((letter) => objectsOfMessage(letter.body).map((object) => object.key)));
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
    async objectProgress(bucket, key) {
      const progress = await store.objectProgress(bucket, key);
      return progress && { recordsDone: progress.recordsDone, rangesDone: progress.rangesDone, rangesTotal: progress.rangesTotal, finished: progress.finished };
    },
  };
}

/** Every document of the table, page by page (a Scan), for `export`. */
export function openDocumentReader(target: StoreTarget): DocumentReader {
  return createDocumentReader({ client: target.dynamo, tableName: target.tableName });
}

export type { DocumentReader };
