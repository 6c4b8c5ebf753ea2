/** Real-shaped S3 event notifications and their SQS wrapping, for driving the ingest in tests. */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { s3EventRecord } from '../../functions/ingest/events.ts';

let sequencerCounter = 0x5f000000;
export function nextSequencer(): string {
  sequencerCounter += 1;
  return `00${sequencerCounter.toString(16).toUpperCase()}0000`;
}

export interface EventSpec {
  bucket?: string;
  key: string;
  eventName?: string;
  eTag?: string;
  size?: number;
  sequencer?: string;
  versionId?: string;
  eventTime?: string;
}

export function s3Record(spec: EventSpec): S3EventRecord {
  return s3EventRecord({
    bucket: spec.bucket ?? 'raw-pages',
    key: spec.key,
    eventName: spec.eventName ?? 'ObjectCreated:Put',
    eventTime: spec.eventTime ?? new Date().toISOString(),
    sequencer: spec.sequencer ?? nextSequencer(),
    size: spec.size ?? 0,
    eTag: spec.eTag ?? '',
    versionId: spec.versionId,
    awsRegion: 'us-east-1',
    origin: { principalId: 'AWS:EXAMPLE', ownerPrincipalId: 'EXAMPLE', sourceIPAddress: '127.0.0.1', requestId: 'EXAMPLE', hostId: 'EXAMPLE', configurationId: 'archive-dedup' },
  });
}

export function sqsMessage(body: unknown, messageId = randomUUID()): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:archive-dedup-events',
    awsRegion: 'us-east-1',
  };
}

/** One SQS message per S3 record, as S3 -> SQS delivers them. */
export function sqsEvent(records: S3EventRecord[]): SQSEvent {
  return { Records: records.map((record) => sqsMessage({ Records: [record] } satisfies S3Event)) };
}

/** Upload with the S3 client and return the matching ObjectCreated record (eTag and size from the real upload). */
export async function upload(s3: S3Client, key: string, body: Uint8Array | string, options: { metadata?: Record<string, string>; contentType?: string; eventTime?: string; bucket?: string } = {}): Promise<S3EventRecord> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const bucket = options.bucket ?? 'raw-pages';
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: options.metadata, ContentType: options.contentType }));
  return s3Record({ bucket, key, eTag: put.ETag?.replace(/"/g, ''), size: bytes.length, versionId: put.VersionId, eventTime: options.eventTime });
}
