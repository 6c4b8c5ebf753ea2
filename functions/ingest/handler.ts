/**
 * Lambda entry: SQS batches of S3 event notifications (S3 -> SQS -> Lambda), a direct S3 event, the s3:TestEvent, or a
 * batch of listed objects from the backfill state machine (`{ source: 'archive-dedup.backfill', bucket, Items }`).
 * Only failed records are reported back (batchItemFailures) so SQS retries just those, then dead-letters them.
 *
 * Environment: TABLE_NAME (required); MAX_DISTANCE, MIN_SIMILARITY, MISMATCH_GAP_DAYS (core thresholds);
 * WATCH_PREFIX (only keys under it are ingested); BUCKET_NAME (only events for this bucket are ingested, others are
 * logged and ignored); INGEST_QUEUE_URL (the function's own queue, where ranges of a big WARC / JSONL object and
 * continuations are sent; without it every range runs in the invocation that finds it); INDEX_LAYOUT (candidate index layout, one of INDEX_LAYOUT_NAMES;
 * default bands4x16; an unknown name fails the first invocation); AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL for a local S3 (s3rver).
 * Module scope creates no clients and does no I/O: the first invocation builds them (cold start stays small).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { CoreConfig } from '../core/config.ts';
import { INDEX_LAYOUT_NAMES, isIndexLayoutName, type IndexLayoutName } from '../store/index.ts';
import { clientsFromEnvironment, sendToQueue } from './clients.ts';
import { directS3Records, isBackfillEvent } from './events.ts';
import { createIngest, type Ingest, type IngestEvent, type IngestObserver } from './ingest.ts';

// Constructor options win over Powertools' own POWERTOOLS_* variables, so those are read here, with the defaults.
const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'archive-dedup-ingest';
const logger = new Logger({ serviceName });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'ArchiveDedup', serviceName });

const CONFIG_VARIABLES = { MAX_DISTANCE: 'maxDistance', MIN_SIMILARITY: 'minSimilarity', MISMATCH_GAP_DAYS: 'mismatchGapDays' } as const;

/** Core threshold overrides from the environment; a value that is not a number is a deployment error. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): Partial<CoreConfig> {
  const config: Partial<CoreConfig> = {};
  for (const [variable, name] of Object.entries(CONFIG_VARIABLES) as [keyof typeof CONFIG_VARIABLES, (typeof CONFIG_VARIABLES)[keyof typeof CONFIG_VARIABLES]][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new RangeError(`${variable} must be a number, got "${raw}"`);
    config[name] = value;
  }
  return config;
}

/** The index layout named by INDEX_LAYOUT (undefined: the store's default); an unknown name throws with the valid ones. */
export function indexLayoutFromEnvironment(env: NodeJS.ProcessEnv): IndexLayoutName | undefined {
  const raw = env.INDEX_LAYOUT;
  if (raw === undefined || raw === '') return undefined;
  if (!isIndexLayoutName(raw)) throw new RangeError(`INDEX_LAYOUT "${raw}" is not an index layout: valid layouts are ${INDEX_LAYOUT_NAMES.join(', ')}`);
  return raw;
}

function errorReason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Turns each outcome into a log line and the metrics the dashboard shows. */
const observer: IngestObserver = {
  outcome(outcome, ref) {
    if (outcome.outcome === 'ignored') {
      logger.info('ignored', { reason: outcome.reason, bucket: ref.bucket, key: ref.key, sequencer: ref.sequencer });
      return;
    }
    logger.info('processed', { ...outcome, bucket: ref.bucket, key: ref.key, sequencer: ref.sequencer });
    const counted = outcome.outcome === 'recorded' || outcome.outcome === 'rejected' || outcome.outcome === 'deleted' || outcome.outcome === 'revisit';
    if (counted) metrics.addMetric('DocumentsProcessed', MetricUnit.Count, 1);
    if ((outcome.outcome === 'recorded' && !outcome.isOriginal) || (outcome.outcome === 'revisit' && outcome.revisitOf)) metrics.addMetric('DuplicatesFound', MetricUnit.Count, 1);
    if (outcome.outcome === 'recorded' && outcome.dateMismatch) metrics.addMetric('DateMismatches', MetricUnit.Count, 1);
    if (outcome.outcome === 'rejected') metrics.addMetric('DocumentsRejected', MetricUnit.Count, 1);
  },
  failure(error, ref) {
    logger.error('record failed; it will be retried, then dead-lettered', { bucket: ref.bucket, key: ref.key, docId: ref.docId, sequencer: ref.sequencer, error: error as Error });
  },
  messageFailed(error, message) {
    logger.error('message failed; SQS retries it, then dead-letters it', { messageId: message.messageId, bucket: message.bucket, key: message.key, reason: errorReason(error) });
  },
};

let ingest: Ingest | undefined;

function ingestFromEnvironment(): Ingest {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set: the ingest does not know which DynamoDB table to write');
  const clients = clientsFromEnvironment(process.env);
  const queueUrl = process.env.INGEST_QUEUE_URL;
  return createIngest({
    ...clients,
    send: queueUrl ? (bodies) => sendToQueue(clients.sqs, queueUrl, bodies) : undefined,
    tableName,
    config: configFromEnvironment(process.env),
    indexLayout: indexLayoutFromEnvironment(process.env),
    watchPrefix: process.env.WATCH_PREFIX || undefined,
    bucket: process.env.BUCKET_NAME || undefined,
    observer,
  });
}

export const handler = async (event: IngestEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context) logger.addContext(context);
  ingest ??= ingestFromEnvironment();
  try {
    const response = await ingest.processEvent(event, context);
    const total = isBackfillEvent(event) ? event.Items.length : (directS3Records(event)?.length ?? (event as { Records: unknown[] }).Records.length);
    // Each failed message was logged with its id, key and reason (messageFailed); this line sums them up.
    if (response.batchItemFailures.length > 0) {
      logger.warn('batch had failures', { failed: response.batchItemFailures.length, total, messageIds: response.batchItemFailures.map((failure) => failure.itemIdentifier) });
    }
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
};
