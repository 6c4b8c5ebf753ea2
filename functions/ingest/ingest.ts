/**
 * The ingest, independent of Lambda: S3 event record -> read the object -> analyze (pure core) -> store.
 * The Lambda handler and the embedded local stack both drive this very code with their own clients.
 *
 * Failure policy: input the core can never analyze (InputRejected) is recorded as 'rejected', never thrown.
 * Everything else that fails (S3, DynamoDB, a bug) is thrown, so SQS retries the record and then dead-letters it.
 * A created object that is gone by the time we read it (NoSuchKey) is skipped as 'missing': its delete event,
 * which S3 always sends, records the tombstone; retrying could never succeed.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Event, S3EventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { analyzePage } from '../core/analyze.ts';
import { resolveCoreConfig, type CoreConfig } from '../core/config.ts';
import { InputRejected, REJECT_CODES } from '../core/errors.ts';
import { createStore, documentIdFor, type ObjectRef, type RecordOutcome } from '../store/index.ts';
import { actionOf, isS3Event, objectRefOf, s3RecordsOfMessage } from './events.ts';

export type IngestOutcome =
  | RecordOutcome
  /** Not an object event we handle (e.g. ObjectRestore), or outside the watched prefix. */
  | { docId: string; outcome: 'ignored' }
  /** The object no longer exists (deleted before we read it). */
  | { docId: string; outcome: 'missing' }
  /** The object was overwritten after this event (other ETag); the newer event records it. */
  | { docId: string; outcome: 'superseded' };

export interface IngestObserver {
  outcome?(outcome: IngestOutcome, ref: ObjectRef): void;
  failure?(error: unknown, ref: ObjectRef): void;
}

export interface IngestDeps {
  s3: S3Client;
  dynamo: DynamoDBClient;
  tableName: string;
  config?: Partial<CoreConfig>;
  /** Only keys under this prefix are ingested (others: 'ignored'). */
  watchPrefix?: string;
  observer?: IngestObserver;
}

export interface Ingest {
  processS3Record(record: S3EventRecord): Promise<IngestOutcome>;
  processEvent(event: SQSEvent | S3Event): Promise<SQSBatchResponse>;
}

function stripQuotes(eTag: string | undefined): string | undefined {
  return eTag?.replace(/^"|"$/g, '');
}

function isMissingObject(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound';
}

export function createIngest(deps: IngestDeps): Ingest {
  const config = resolveCoreConfig(deps.config);
  const store = createStore({ client: deps.dynamo, tableName: deps.tableName, config });

  async function ingestCreated(ref: ObjectRef, docId: string): Promise<IngestOutcome> {
    if (ref.size !== undefined && ref.size > config.maxInputBytes) {
      // Rejected from the event alone: never download what can never be analyzed.
      return store.recordRejected(ref, new InputRejected(REJECT_CODES.tooLarge, `object is ${ref.size} bytes, over the ${config.maxInputBytes}-byte limit`));
    }
    let object;
    try {
      object = await deps.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
    } catch (error) {
      if (isMissingObject(error)) return { docId, outcome: 'missing' };
      throw new Error(`S3 GetObject s3://${ref.bucket}/${ref.key} failed: ${(error as Error).message}`, { cause: error });
    }
    const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    if (!ref.versionId && ref.eTag && stripQuotes(object.ETag) !== stripQuotes(ref.eTag)) return { docId, outcome: 'superseded' };
    const current: ObjectRef = { ...ref, contentType: object.ContentType, size: ref.size ?? bytes.length };
    let analysis;
    try {
      analysis = analyzePage(bytes, { contentType: object.ContentType, fileName: ref.key, metadata: object.Metadata }, config);
    } catch (error) {
      if (error instanceof InputRejected) return store.recordRejected(current, error);
      throw error;
    }
    return store.recordDocument(current, analysis);
  }

  async function processS3Record(record: S3EventRecord): Promise<IngestOutcome> {
    const ref = objectRefOf(record);
    const docId = documentIdFor(ref.bucket, ref.key);
    try {
      const action = actionOf(record);
      let outcome: IngestOutcome;
      if (action === 'other' || (deps.watchPrefix && !ref.key.startsWith(deps.watchPrefix))) outcome = { docId, outcome: 'ignored' };
      else if (action === 'removed') outcome = await store.markDeleted(ref);
      else outcome = await ingestCreated(ref, docId);
      deps.observer?.outcome?.(outcome, ref);
      return outcome;
    } catch (error) {
      deps.observer?.failure?.(error, ref);
      throw error;
    }
  }

  async function processMessage(message: SQSRecord): Promise<void> {
    for (const record of s3RecordsOfMessage(message)) await processS3Record(record);
  }

  async function processEvent(event: SQSEvent | S3Event): Promise<SQSBatchResponse> {
    if (isS3Event(event)) {
      // A direct S3 invocation has no partial-batch contract: any failure fails (and retries) the whole event.
      for (const record of event.Records) await processS3Record(record);
      return { batchItemFailures: [] };
    }
    // One processor per call: it holds per-batch state, and the local stack runs several invocations at once.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, processMessage, processor, { throwOnFullBatchFailure: false });
  }

  return { processS3Record, processEvent };
}
