/**
 * `backfill`: ingest every object already in the bucket (or under a prefix), e.g. uploaded while no stack was
 * listening. Lists with ListObjectsV2 (paginated), turns each object into the ObjectCreated:Put record S3 would have
 * sent (functions/ingest/events.ts: backfillRecord, with the lowest sequencer so it never outranks a real event)
 * and feeds them through the local queue to the same ingest the Lambda runs. Idempotent: a second run changes nothing.
 * `reindex` is the same walk: the store recomputes a document recorded with an older fingerprint version when such
 * an event reaches it (outcome `reindexed`), and leaves current ones alone (`stale`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { backfillRecord } from '../functions/ingest/events.ts';
import { DEFAULT_TABLE_NAME } from '../functions/store/schema.ts';
import { createIngest, objectsOfMessage, requireTable } from './pipeline.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { LocalQueue } from './queue.ts';
import { LOCAL_DEFAULTS, localDynamoClient, localS3Client } from './servers.ts';
import { CommandFailure, explainStoreFailure } from './store-target.ts';

type Write = (line: string) => void;

export interface BackfillTarget {
  s3: S3Client;
  dynamo: DynamoDBClient;
  tableName: string;
  bucket: string;
  prefix?: string;
  /** Concurrent handler invocations. */
  concurrency?: number;
  /** What the progress and summary call the run: `backfill` (default) or `reindex`. */
  label?: string;
}

export interface BackfillSummary {
  listed: number;
  /** Objects whose event was handled (whatever the outcome). */
  processed: number;
  /** Objects that failed every retry. */
  failed: { key: string; error: string }[];
  /** How many documents ended in each outcome (recorded, unchanged, stale, rejected, revisit, ...). */
  outcomes: Record<string, number>;
}

/** Objects listed per page (ListObjectsV2 MaxKeys); each page is processed before the next is listed, bounding memory. */
const PAGE_SIZE = 1000;

export async function runBackfill(target: BackfillTarget, progressStream: ProgressStream = process.stderr): Promise<BackfillSummary> {
  const summary: BackfillSummary = { listed: 0, processed: 0, failed: [], outcomes: {} };
  const progress = new Progress(progressStream, `${target.label ?? 'backfill'} s3://${target.bucket}/${target.prefix ?? ''}`);
  const ingest = createIngest({
    s3: target.s3,
    dynamo: target.dynamo,
    tableName: target.tableName,
    onOutcome: (_docId, outcome) => {
      // The object-level line of a container repeats what its records said.
      if (outcome !== 'container') summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
      // Records of a big WARC or JSONL are reindexed one by one: the line moves with them, not only per object.
      if (outcome === 'reindexed') progress.update(state());
    },
  });
  let final = false;
  const state = () => {
    const reindexed = summary.outcomes.reindexed ? `${summary.outcomes.reindexed} documents reindexed` : undefined;
    const failed = summary.failed.length ? `${summary.failed.length} failed` : undefined;
    return { done: summary.processed + summary.failed.length, total: summary.listed, final, detail: [reindexed, failed].filter(Boolean).join(', ') || undefined };
  };
  const queue = new LocalQueue(
    async (event) => {
      const response = await ingest.processEvent(event);
      summary.processed += event.Records.length - response.batchItemFailures.length;
      progress.update(state());
      return response;
    },
    { concurrency: target.concurrency ?? 2 },
  );

  try {
    let continuationToken: string | undefined;
    do {
      const page = await target.s3.send(
        new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.prefix || undefined, ContinuationToken: continuationToken, MaxKeys: PAGE_SIZE }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const event: S3Event = { Records: [backfillRecord(target.bucket, { Key: object.Key, Size: object.Size, ETag: object.ETag, LastModified: object.LastModified })] };
        queue.send(JSON.stringify(event));
        summary.listed += 1;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      final = continuationToken === undefined;
      await queue.whenIdle();
      progress.update(state(), true);
    } while (continuationToken);
  } finally {
    await queue.whenIdle();
    queue.close();
  }
  for (const letter of queue.deadLetters) {
    summary.failed.push({ key: objectsOfMessage(letter.body)[0]?.key ?? '?', error: letter.lastError });
  }
  progress.finish(state());
  return summary;
}

export interface BackfillCommandOptions {
  /** S3 endpoint (default: the `local` stack's). */
  endpointUrl?: string;
  dynamoEndpoint?: string;
  bucket?: string;
  prefix?: string;
  tableName?: string;
  json: boolean;
  /** `reindex` for the reindex command (same walk, named so in progress and summary). */
  label?: string;
}

export async function backfillCommand(options: BackfillCommandOptions, write: Write, progressStream: ProgressStream = process.stderr): Promise<number> {
  const dynamoEndpoint = options.dynamoEndpoint ?? `http://${LOCAL_DEFAULTS.host}:${LOCAL_DEFAULTS.dynamoPort}`;
  const s3 = localS3Client(options.endpointUrl ?? `http://${LOCAL_DEFAULTS.host}:${LOCAL_DEFAULTS.s3Port}`);
  const dynamo = localDynamoClient(dynamoEndpoint);
  try {
    const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
    // Only the commands that start a stack create a table: a mistyped --table must not become a new, empty one.
    await requireTable({ dynamo, tableName }).catch(async (error: unknown) => {
      throw new CommandFailure((await explainStoreFailure(error, { endpointUrl: dynamoEndpoint, tableName })) ?? String(error), { cause: error });
    });
    const label = options.label ?? 'backfill';
    const summary = await runBackfill({ s3, dynamo, tableName, bucket: options.bucket ?? LOCAL_DEFAULTS.bucket, prefix: options.prefix, label }, progressStream);
    if (options.json) {
      write(JSON.stringify(summary));
    } else {
      const outcomes = Object.entries(summary.outcomes).map(([outcome, count]) => `${count} ${outcome}`).join(', ') || 'no documents';
      write(`${label}: ${summary.processed} of ${summary.listed} objects processed (${outcomes})`);
      for (const failure of summary.failed) write(`  failed: ${failure.key}: ${failure.error}`);
    }
    return summary.failed.length > 0 ? 1 : 0;
  } finally {
    s3.destroy();
    dynamo.destroy();
  }
}
