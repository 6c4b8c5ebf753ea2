/** Decoding what arrives at the ingest: SQS messages carrying S3 event notifications, or S3 events directly. */
import type { S3Event, S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ObjectRef } from '../store/index.ts';

/** Object keys in S3 events are form-encoded: `+` for a space, `%XX` for other reserved and non-ASCII bytes. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The object (version) an S3 event record is about, key decoded. */
export function objectRefOf(record: S3EventRecord): ObjectRef {
  const object = record.s3.object;
  return {
    bucket: record.s3.bucket.name,
    key: decodeEventKey(object.key),
    versionId: object.versionId || undefined,
    eTag: object.eTag || undefined,
    sequencer: object.sequencer || undefined,
    size: object.size,
    eventTime: record.eventTime,
  };
}

export type EventAction = 'created' | 'removed' | 'other';

export function actionOf(record: S3EventRecord): EventAction {
  if (record.eventName.startsWith('ObjectCreated:')) return 'created';
  if (record.eventName.startsWith('ObjectRemoved:')) return 'removed';
  return 'other';
}

export function isS3Event(event: SQSEvent | S3Event): event is S3Event {
  const first = event.Records[0] as { eventSource?: string } | undefined;
  return first?.eventSource === 'aws:s3';
}

/** A message body that is not an S3 event notification: it can never succeed, so it is a poison message. */
export class MalformedMessage extends Error {
  override name = 'MalformedMessage';
}

/**
 * The S3 records inside one SQS message. The `s3:TestEvent` S3 sends when a notification is configured carries none.
 */
export function s3RecordsOfMessage(message: SQSRecord): S3EventRecord[] {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch (error) {
    throw new MalformedMessage(`SQS message ${message.messageId}: body is not JSON`, { cause: error });
  }
  if (typeof body !== 'object' || body === null) throw new MalformedMessage(`SQS message ${message.messageId}: body is not an object`);
  if ((body as { Event?: string }).Event === 's3:TestEvent') return [];
  const records = (body as { Records?: unknown }).Records;
  if (!Array.isArray(records)) throw new MalformedMessage(`SQS message ${message.messageId}: no S3 event Records in the body`);
  return records as S3EventRecord[];
}
