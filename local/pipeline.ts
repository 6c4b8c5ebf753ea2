/**
 * The one place where the local tools meet the ingest and store code (functions/ingest, functions/store).
 * Everything else in local/ talks to these few functions, so a change of those modules' API is fixed here only.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CoreConfig } from '../functions/core/config.ts';
import { createStore, ensureTable as ensureStoreTable, type StoredDocument } from '../functions/store/index.ts';

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
  dateMismatch: boolean;
  dateEvidence: string | null;
  title: string | null;
}

export interface StoreView {
  getDocument(docId: string): Promise<DocumentView | null>;
  /** Members of a cluster, original first. */
  documentsInCluster(clusterId: string): Promise<DocumentView[]>;
  listMismatches(): Promise<DocumentView[]>;
}

interface StoreTarget {
  dynamo: DynamoDBClient;
  tableName: string;
}

// A path in a variable: until the ingest module lands, a missing module is a clear run-time error, not a compile error.
const INGEST_MODULE = '../functions/ingest/ingest.ts';

async function load<T>(path: string, what: string): Promise<T> {
  try {
    return (await import(path)) as T;
  } catch (error) {
    throw new Error(`cannot load ${what} (${path}): ${(error as Error).message}`, { cause: error });
  }
}

export async function ensureTable(target: StoreTarget): Promise<void> {
  await ensureStoreTable(target.dynamo, target.tableName);
}

export async function createIngest(options: { s3: S3Client; dynamo: DynamoDBClient; tableName: string; config?: Partial<CoreConfig> }): Promise<Ingest> {
  const ingest = await load<{ createIngest(options: { s3: S3Client; dynamo: DynamoDBClient; tableName: string; config?: Partial<CoreConfig> }): Ingest }>(
    INGEST_MODULE,
    'the ingest code',
  );
  return ingest.createIngest(options);
}

function toView(stored: StoredDocument): DocumentView {
  return {
    key: stored.key,
    docId: stored.docId,
    status: stored.status,
    reason: stored.reason ?? stored.reasonCode ?? null,
    clusterId: stored.clusterId ?? null,
    // clusterId is the docId of the cluster's original.
    original: stored.clusterId ?? null,
    duplicateOf: stored.duplicateOf ?? null,
    distance: stored.distance ?? null,
    dateMismatch: stored.dateMismatch ?? false,
    dateEvidence: stored.dateEvidence ?? null,
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
    documentsInCluster: async (clusterId) => (await store.documentsInCluster(clusterId)).map(toView),
    listMismatches: async () => (await store.listMismatches()).map(toView),
  };
}
