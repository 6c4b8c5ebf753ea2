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

/** Removals: ObjectRemoved:Delete / DeleteMarkerCreated, and the same by a lifecycle rule (LifecycleExpiration:Delete / DeleteMarkerCreated). */
export function actionOf(record: S3EventRecord): EventAction {
  if (record.eventName.startsWith('ObjectCreated:')) return 'created';
  if (record.eventName.startsWith('ObjectRemoved:')) return 'removed';
  if (record.eventName === 'LifecycleExpiration:Delete' || record.eventName === 'LifecycleExpiration:DeleteMarkerCreated') return 'removed';
  return 'other';
}

/**
 * A removal of one named version (`...:Delete` with a versionId, in a versioned bucket): it removes the current object
 * only if that version is the one recorded. Expiring noncurrent versions (the bucket's lifecycle rule) sends these
 * for old versions while the current one stays. A delete marker (`...:DeleteMarkerCreated`) always hides the object.
 */
export function removesOneVersion(record: S3EventRecord): boolean {
  const versionId = record.s3.object.versionId;
  return record.eventName.endsWith(':Delete') && !!versionId && versionId !== 'null';
}

/** Why an event record is not ingested (null: it is). Every ignored record is logged with this reason. */
export function ignoredBecause(record: S3EventRecord, ref: ObjectRef, watched: { bucket?: string; watchPrefix?: string }): string | null {
  if (watched.bucket && ref.bucket !== watched.bucket) return `event for bucket "${ref.bucket}", not the watched bucket "${watched.bucket}"`;
  if (actionOf(record) === 'other') return `event ${record.eventName} is neither a creation nor a removal`;
  if (watched.watchPrefix && !ref.key.startsWith(watched.watchPrefix)) return `key outside the watched prefix "${watched.watchPrefix}"`;
  return null;
}

export function isS3Event(event: SQSEvent | S3Event): event is S3Event {
  const first = (event.Records as unknown[] | undefined)?.[0] as { eventSource?: string } | undefined;
  return first?.eventSource === 'aws:s3';
}

/** A message body that is not an S3 event notification: it can never succeed, so it is a poison message. */
export class MalformedMessage extends Error {
  override name = 'MalformedMessage';
}

/**
 * The S3 records inside one SQS message. The `s3:TestEvent` S3 sends when a notification is configured carries none.
 */
export function s3RecordsOfMessage(message: Pick<SQSRecord, 'messageId' | 'body'>): S3EventRecord[] {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch (error) {
    throw new MalformedMessage(`SQS message ${message.messageId}: body is not JSON`, { cause: error });
  }
  if (typeof body !== 'object' || body === null) throw new MalformedMessage(`SQS message ${message.messageId}: body is not an object`);
  if (isS3TestEvent(body)) return [];
  // An EventBridge rule can target the queue too: its S3 events are one object each, not a Records list.
  if (isEventBridgeS3Event(body)) return [s3RecordOfEventBridge(body)];
  const records = (body as { Records?: unknown }).Records;
  if (!Array.isArray(records)) throw new MalformedMessage(`SQS message ${message.messageId}: no S3 event Records in the body`);
  return records as S3EventRecord[];
}

/** What S3 sends once when a notification is configured, to the queue or (a direct notification) to the function. */
export interface S3TestEvent {
  Service: string;
  Event: 's3:TestEvent';
  Bucket?: string;
}

export function isS3TestEvent(event: unknown): event is S3TestEvent {
  return typeof event === 'object' && event !== null && (event as { Event?: unknown }).Event === 's3:TestEvent';
}

/**
 * An S3 event as EventBridge delivers it (a rule on source `aws.s3`, detail-type `Object Created` / `Object Deleted`),
 * to the function directly or through the queue. Its key is NOT URL-encoded, unlike an S3 notification's.
 */
export interface EventBridgeS3Event {
  version?: string;
  id?: string;
  'detail-type': string;
  source: 'aws.s3';
  time: string;
  region?: string;
  detail: {
    bucket: { name: string };
    object: { key: string; size?: number; etag?: string; 'version-id'?: string; sequencer?: string };
    /** PutObject, CopyObject, CompleteMultipartUpload, POST Object, DeleteObject, Lifecycle Expiration, ... */
    reason?: string;
    /** Object Deleted: `Permanently Deleted` or `Delete Marker Created`. */
    'deletion-type'?: string;
  };
}

export function isEventBridgeS3Event(event: unknown): event is EventBridgeS3Event {
  const candidate = event as Partial<EventBridgeS3Event> | null;
  return (
    typeof candidate === 'object' && candidate !== null && candidate.source === 'aws.s3' && typeof candidate['detail-type'] === 'string' &&
    typeof candidate.detail?.bucket?.name === 'string' && typeof candidate.detail?.object?.key === 'string'
  );
}

/** EventBridge `reason` of an Object Created event -> the S3 notification event name's suffix. */
const CREATED_REASONS: Record<string, string> = { PutObject: 'Put', CopyObject: 'Copy', 'POST Object': 'Post', CompleteMultipartUpload: 'CompleteMultipartUpload' };

function eventNameOfEventBridge(event: EventBridgeS3Event): string {
  const { reason, 'deletion-type': deletionType } = event.detail;
  if (event['detail-type'] === 'Object Created') return `ObjectCreated:${CREATED_REASONS[reason ?? ''] ?? 'Put'}`;
  if (event['detail-type'] === 'Object Deleted') {
    const what = deletionType === 'Delete Marker Created' ? 'DeleteMarkerCreated' : 'Delete';
    return reason === 'Lifecycle Expiration' ? `LifecycleExpiration:${what}` : `ObjectRemoved:${what}`;
  }
  return `EventBridge:${event['detail-type']}`; // Object Restore Completed, Object Tags Added, ...: ignored
}

/** An EventBridge S3 event as the S3 notification record of the same change (key form-encoded as S3 sends it). */
export function s3RecordOfEventBridge(event: EventBridgeS3Event): S3EventRecord {
  const { bucket, object } = event.detail;
  return s3EventRecord({
    bucket: bucket.name,
    key: object.key,
    eventName: eventNameOfEventBridge(event),
    eventTime: event.time,
    sequencer: object.sequencer ?? '',
    size: object.size ?? 0,
    eTag: object.etag ?? '',
    versionId: object['version-id'],
    awsRegion: event.region,
    origin: { principalId: 'EventBridge', requestId: event.id, configurationId: 'EventBridge' },
  });
}

/**
 * The S3 records of an event the function receives directly (not an SQS batch): an S3 notification, an EventBridge S3
 * event, or the s3:TestEvent (none). Null for anything else (an SQS batch, a backfill batch).
 */
export function directS3Records(event: unknown): S3EventRecord[] | null {
  if (isS3TestEvent(event)) return [];
  if (isEventBridgeS3Event(event)) return [s3RecordOfEventBridge(event)];
  if (isS3Event(event as S3Event)) return (event as S3Event).Records;
  return null;
}

/** Characters encodeURIComponent leaves alone but a form encoder (as S3 uses for event keys) escapes. */
const FORM_RESERVED = /[!'()~]/g;

/** Encode an object key as real S3 event notifications do: form-style (space -> '+'), '/' kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(FORM_RESERVED, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** Who a record says made the change: the principals, source IP and request ids S3 fills in, and the notification configuration. */
export interface S3RecordOrigin {
  principalId: string;
  ownerPrincipalId: string;
  sourceIPAddress: string;
  requestId: string;
  hostId: string;
  configurationId: string;
}

/** What one S3 event record says of a change; the rest is the fixed shape S3 sends (eventVersion 2.1). */
export interface S3RecordSpec {
  bucket: string;
  /** The object key as stored: the record carries it form-encoded, as S3 sends it (encodeEventKey). */
  key: string;
  eventName: string;
  eventTime: string;
  sequencer: string;
  /** Left out when absent, as in S3's removal records. */
  size?: number;
  eTag?: string;
  versionId?: string;
  awsRegion?: string;
  origin?: Partial<S3RecordOrigin>;
}

/**
 * The one builder of S3 event notification records: EventBridge events and backfill items here, the local bridge's
 * records of s3rver uploads, and the tests' events all take this shape.
 */
export function s3EventRecord(spec: S3RecordSpec): S3EventRecord {
  const origin = spec.origin ?? {};
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: spec.awsRegion ?? '',
    eventTime: spec.eventTime,
    eventName: spec.eventName,
    userIdentity: { principalId: origin.principalId ?? '' },
    requestParameters: { sourceIPAddress: origin.sourceIPAddress ?? '' },
    responseElements: { 'x-amz-request-id': origin.requestId ?? '', 'x-amz-id-2': origin.hostId ?? '' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: origin.configurationId ?? '',
      bucket: { name: spec.bucket, ownerIdentity: { principalId: origin.ownerPrincipalId ?? '' }, arn: `arn:aws:s3:::${spec.bucket}` },
      // The type insists on size and eTag; real removal records carry neither, so they are left out at run time only.
      object: {
        key: encodeEventKey(spec.key),
        ...(spec.size === undefined ? {} : { size: spec.size }),
        ...(spec.eTag === undefined ? {} : { eTag: spec.eTag }),
        ...(spec.versionId ? { versionId: spec.versionId } : {}),
        sequencer: spec.sequencer,
      } as S3EventRecord['s3']['object'],
    },
  };
}

/**
 * The sequencer of every backfill event: the lowest there is, so a backfill never outranks a real event.
 * - An object a real event already recorded: the backfill event is older, hence 'stale', and changes nothing.
 * - An object never recorded: the backfill records it; any later real event (higher sequencer) still wins.
 * - A second backfill: same sequencer, same content: 'unchanged'. Idempotent with the normal path and with itself.
 * The price: an object overwritten while notifications were off, after a first backfill or real event recorded its
 * older version, is not picked up by a backfill (re-upload or copy it onto itself to send a real event).
 */
export const BACKFILL_SEQUENCER = '0';

/** Marks the synthetic events of a backfill (Step Functions Distributed Map, or `archive-dedup backfill`). */
export const BACKFILL_SOURCE = 'archive-dedup.backfill';

/** One listed object: an S3 ListObjectsV2 `Contents` entry, or a Step Functions S3 ItemReader item (`Etag`, epoch-second `LastModified`). */
export interface ListedObject {
  Key: string;
  Size?: number;
  ETag?: string;
  Etag?: string;
  LastModified?: string | number | Date;
}

/**
 * What the backfill state machine sends the function, one batch of listed objects per invocation. Step Functions has
 * no URL-encoding function, so keys arrive raw and the handler turns each item into a real-shaped S3 record here.
 */
export interface BackfillEvent {
  source: typeof BACKFILL_SOURCE;
  bucket: string;
  Items: ListedObject[];
}

export function isBackfillEvent(event: unknown): event is BackfillEvent {
  const candidate = event as Partial<BackfillEvent> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.source === BACKFILL_SOURCE && typeof candidate.bucket === 'string' && Array.isArray(candidate.Items);
}

function isoTime(lastModified: ListedObject['LastModified']): string {
  if (lastModified === undefined) return new Date().toISOString();
  // The ItemReader gives epoch seconds; ListObjectsV2 through the SDK gives a Date.
  const date = typeof lastModified === 'number' ? new Date(lastModified * 1000) : new Date(lastModified);
  if (Number.isNaN(date.getTime())) throw new MalformedMessage(`backfill item has an unreadable LastModified "${String(lastModified)}"`);
  return date.toISOString();
}

/** A listed object as the ObjectCreated:Put record S3 would have sent for it, with the backfill sequencer and LastModified as eventTime. */
export function backfillRecord(bucket: string, object: ListedObject): S3EventRecord {
  if (typeof object.Key !== 'string' || object.Key === '') throw new MalformedMessage(`backfill item has no Key: ${JSON.stringify(object)}`);
  return s3EventRecord({
    bucket,
    key: object.Key,
    eventName: 'ObjectCreated:Put',
    eventTime: isoTime(object.LastModified),
    sequencer: BACKFILL_SEQUENCER,
    size: object.Size ?? 0,
    eTag: (object.ETag ?? object.Etag ?? '').replace(/"/g, ''),
    awsRegion: process.env.AWS_REGION,
    origin: {
      principalId: BACKFILL_SOURCE,
      ownerPrincipalId: BACKFILL_SOURCE,
      sourceIPAddress: '127.0.0.1',
      requestId: BACKFILL_SOURCE,
      hostId: BACKFILL_SOURCE,
      configurationId: BACKFILL_SOURCE,
    },
  });
}
