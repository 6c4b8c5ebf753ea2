/**
 * Lambda entry: SQS batches of S3 event notifications (S3 -> SQS -> Lambda), a direct S3 event, the s3:TestEvent, or a
 * batch of listed objects from the backfill state machine (`{ source: 'archive-dedup.backfill', bucket, Items }`).
 * Only failed records are reported back (batchItemFailures) so SQS retries just those, then dead-letters them.
 *
 * Environment: the contract of environment.ts (TABLE_NAME required; the thresholds, WATCH_PREFIX, BUCKET_NAME,
 * INGEST_QUEUE_URL, INDEX_LAYOUT, the Powertools names), read through it only; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL
 * for a local S3 (s3rver), read by clients.ts.
 * Module scope creates no clients and does no I/O: the first invocation builds them (cold start stays small).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { clientsFromEnvironment, sendToQueue } from './clients.ts';
import { ingestEnvironmentFrom, powertoolsNamesFrom } from './environment.ts';
import { directS3Records, isBackfillEvent } from './events.ts';
import { createIngest, type Ingest, type IngestEvent, type IngestObserver } from './ingest.ts';

const { serviceName, metricsNamespace } = powertoolsNamesFrom(process.env);
const logger = new Logger({ serviceName });
const metrics = new Metrics({ namespace: metricsNamespace, serviceName });

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
  failure(error, ref, messageId) {
    // A record of an SQS message is logged once, by messageFailed, with the message id; this line is for the rest
    // (a direct S3 or EventBridge event, a backfill item).
    if (messageId !== undefined) return;
    logger.error('record failed; it will be retried, then dead-lettered', { bucket: ref.bucket, key: ref.key, docId: ref.docId, sequencer: ref.sequencer, reason: errorReason(error), error: error as Error });
  },
  messageFailed(error, message) {
    logger.error('message failed; SQS retries it, then dead-letters it', { messageId: message.messageId, bucket: message.bucket, key: message.key, reason: errorReason(error) });
  },
};

let ingest: Ingest | undefined;

function ingestFromEnvironment(): Ingest {
  const { queueUrl, ...environment } = ingestEnvironmentFrom(process.env);
  const clients = clientsFromEnvironment(process.env);
  return createIngest({
    ...clients,
    ...environment,
    send: queueUrl ? (bodies) => sendToQueue(clients.sqs, queueUrl, bodies) : undefined,
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
