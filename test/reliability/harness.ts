/** What the fault, order and concurrency parts share: an ingest on its own (fault-injectable) clients, and a queue to drain. */
import type { S3EventRecord } from 'aws-lambda';
import { createIngest, type Ingest, type IngestDeps } from '../../functions/ingest/ingest.ts';
import { documentIdFor } from '../../functions/store/index.ts';
import { LocalQueue, type DeadLetter } from '../../local/queue.ts';
import { localDynamoClient, localS3Client } from '../../local/servers.ts';
import { SECURE_DEFAULTS } from '../../infra/settings.ts';
import type { LocalServers } from '../support/local-servers.ts';
import { injectFaults, type FaultInjector, type FaultRule } from './faults.ts';

export interface FaultyIngest {
  ingest: Ingest;
  dynamoFaults: FaultInjector;
  s3Faults: FaultInjector;
  /** The last error per docId. */
  failures: Map<string, string>;
  get faultsInjected(): number;
  close(): void;
}

/** An ingest with clients of its own, so faults injected into them touch nothing else. */
export function faultyIngest(
  servers: LocalServers,
  tableName: string,
  rules: { dynamo?: FaultRule[]; s3?: FaultRule[] } = {},
  options: Pick<IngestDeps, 'bucket' | 'watchPrefix'> = {},
): FaultyIngest {
  const s3 = localS3Client(servers.s3Endpoint);
  const dynamo = localDynamoClient(servers.dynamoEndpoint);
  const dynamoFaults = injectFaults(dynamo, rules.dynamo ?? []);
  const s3Faults = injectFaults(s3, rules.s3 ?? []);
  const failures = new Map<string, string>();
  const ingest = createIngest({
    s3,
    dynamo,
    tableName,
    ...options,
    observer: { failure: (error, ref) => failures.set(documentIdFor(ref.bucket, ref.key), error instanceof Error ? `${error.name}: ${error.message}` : String(error)) },
  });
  return {
    ingest,
    dynamoFaults,
    s3Faults,
    failures,
    get faultsInjected() {
      return dynamoFaults.injected + s3Faults.injected;
    },
    close() {
      s3.destroy();
      dynamo.destroy();
    },
  };
}

/**
 * Deliver each record as one SQS message through a LocalQueue (batches, partial batch failures, retries with
 * backoff, dead letters after the deployment's maxReceiveCount) and wait until all are handled or dead-lettered.
 */
export async function drain(ingest: Ingest, records: S3EventRecord[], options: { concurrency?: number; maxReceiveCount?: number } = {}): Promise<DeadLetter[]> {
  const queue = new LocalQueue((event) => ingest.processEvent(event), {
    concurrency: options.concurrency ?? 4,
    maxReceiveCount: options.maxReceiveCount ?? SECURE_DEFAULTS.maxReceiveCount,
    retryBackoffMs: 5,
    batchWindowMs: 2,
  });
  for (const record of records) queue.send(JSON.stringify({ Records: [record] }));
  await queue.whenIdle();
  queue.close();
  return queue.deadLetters;
}
