/**
 * Turns s3rver's 'event' emissions into the records real S3 sends, and feeds them to the ingest code through an
 * in-process SQS-like queue (local/queue.ts), like the real S3 -> SQS -> Lambda path.
 *
 * What s3rver gets wrong and real S3 does (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
 * - keys are URL-encoded form-style ("red flower.jpg" -> "red+flower.jpg"); s3rver sends them raw;
 * - eventVersion is '2.1' (s3rver: '2.0'), the bucket ARN is arn:aws:s3:::<bucket>;
 * - a completed multipart upload is ObjectCreated:CompleteMultipartUpload (s3rver: ObjectCreated:Post, like a form POST);
 * - sequencers grow strictly per key (s3rver: Date.now() in hex, equal within a millisecond).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { s3EventRecord } from '../functions/ingest/events.ts';
import { LOCAL_DEFAULTS } from './servers.ts';

/** The shape s3rver emits (lib/models/event.js): close to S3's, with the differences listed above. */
interface S3rverEvent {
  Records: {
    eventTime: string;
    eventName: string;
    requestParameters?: { sourceIPAddress?: string };
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; versionId?: string } };
  }[];
}

/** Minimal Koa middleware type, so this file needs no Koa types. */
export type S3rverMiddleware = (ctx: { method: string; query: Record<string, unknown> }, next: () => Promise<unknown>) => Promise<unknown>;

const requestContext = new AsyncLocalStorage<{ completesMultipart: boolean }>();

/**
 * s3rver reports a form POST and a CompleteMultipartUpload both as 'Post'. This middleware (installed first in
 * s3rver) remembers which request is running; s3rver emits 'event' synchronously inside it, so the bridge can tell.
 */
export const tagMultipartRequests: S3rverMiddleware = (ctx, next) =>
  requestContext.run({ completesMultipart: ctx.method === 'POST' && ctx.query.uploadId !== undefined }, next);

let lastSequencerTime = 0n;
let sequencerCounter = 0n;
/** Strictly increasing hex sequencer (S3 only promises order per key; increasing globally is stronger). */
function nextSequencer(): string {
  const now = BigInt(Date.now());
  sequencerCounter = now === lastSequencerTime ? sequencerCounter + 1n : 0n;
  lastSequencerTime = now;
  return (now * 4096n + sequencerCounter).toString(16).toUpperCase().padStart(16, '0');
}

function realEventName(s3rverName: string, completesMultipart: boolean): string {
  if (s3rverName === 'ObjectCreated:Post' && completesMultipart) return 'ObjectCreated:CompleteMultipartUpload';
  return s3rverName;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex').toUpperCase();
}

/** One s3rver emission -> the S3 event notification real S3 would send. */
export function toRealS3Event(emitted: S3rverEvent, completesMultipart = requestContext.getStore()?.completesMultipart ?? false): S3Event {
  return {
    Records: emitted.Records.map((record): S3EventRecord => {
      const { bucket, object } = record.s3;
      // Real delete records carry no size or eTag.
      const removed = record.eventName.startsWith('ObjectRemoved');
      return s3EventRecord({
        bucket: bucket.name,
        key: object.key,
        eventName: realEventName(record.eventName, completesMultipart),
        eventTime: record.eventTime,
        sequencer: nextSequencer(),
        ...(removed ? {} : { size: object.size ?? 0, eTag: object.eTag ?? '' }),
        versionId: object.versionId,
        awsRegion: LOCAL_DEFAULTS.region,
        origin: {
          principalId: `AWS:${hex(10)}`,
          ownerPrincipalId: hex(7),
          sourceIPAddress: record.requestParameters?.sourceIPAddress ?? '127.0.0.1',
          requestId: hex(8),
          hostId: randomBytes(48).toString('base64'),
          configurationId: 'archive-dedup-local',
        },
      });
    }),
  };
}

/** Forward every s3rver emission, made real, to `deliver`. Returns the function that stops forwarding. */
export function bridgeS3Events(s3Events: EventEmitter, deliver: (event: S3Event) => void): () => void {
  const listener = (emitted: S3rverEvent) => deliver(toRealS3Event(emitted));
  s3Events.on('event', listener);
  return () => s3Events.off('event', listener);
}
