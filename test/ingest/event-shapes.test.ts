/**
 * The event shapes S3 and its wiring really send, against s3rver and dynalite: EventBridge S3 events (directly and
 * through the queue), the s3:TestEvent sent to a function directly, lifecycle expirations, removals of a single
 * version, events for another bucket, and S3's 403 for an object deleted before it is read.
 */
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3RecordOfEventBridge, type EventBridgeS3Event } from '../../functions/ingest/events.ts';
import { createIngest, type Ingest, type IngestOutcome } from '../../functions/ingest/ingest.ts';
import { createStore, type Store } from '../../functions/store/index.ts';
import { localS3Client } from '../../local/servers.ts';
import { articleHtml, inventedArticle } from '../reliability/pages.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { nextSequencer, s3Record, sqsMessage, upload } from './s3-events.ts';

const BUCKET = 'raw-pages';
const env = useFreshTables('events');
let ingest: Ingest;
let store: Store;
let outcomes: { key: string; outcome: IngestOutcome }[];
let failedMessages: { messageId: string; bucket?: string; key?: string; reason: string }[];

function ingestWith(s3: S3Client): Ingest {
  return createIngest({
    s3,
    dynamo: env.servers.dynamo,
    tableName: env.table,
    bucket: BUCKET,
    observer: {
      outcome: (outcome, ref) => outcomes.push({ key: ref.key, outcome }),
      messageFailed: (error, message) => failedMessages.push({ ...message, reason: (error as Error).message }),
    },
  });
}

beforeEach(() => {
  outcomes = [];
  failedMessages = [];
  ingest = ingestWith(env.servers.s3);
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
});

const page = (seed: number): string => articleHtml(`Invented event report ${seed}`, inventedArticle(seed, 4));

/** An EventBridge S3 event as a rule delivers it: the key exactly as stored, never URL-encoded. */
function eventBridge(detailType: string, key: string, object: Partial<EventBridgeS3Event['detail']['object']> = {}, extra: Partial<EventBridgeS3Event['detail']> = {}): EventBridgeS3Event {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': detailType,
    source: 'aws.s3',
    time: new Date().toISOString(),
    region: 'us-east-1',
    detail: { bucket: { name: BUCKET }, object: { key, sequencer: nextSequencer(), ...object }, reason: detailType === 'Object Created' ? 'PutObject' : 'DeleteObject', ...extra },
  };
}

describe('EventBridge S3 events', () => {
  it('a direct Object Created with a raw key (spaces, +, %) is recorded under that key; Object Deleted marks it deleted', async () => {
    const key = 'eb/a+b 100% real.html';
    const uploaded = await upload(env.servers.s3, key, page(1));
    const created = eventBridge('Object Created', key, { size: uploaded.s3.object.size, etag: uploaded.s3.object.eTag });
    expect(await ingest.processEvent(created)).toEqual({ batchItemFailures: [] });
    expect(await store.getDocument(`${BUCKET}/${key}`)).toMatchObject({ status: 'recorded', key });

    await env.servers.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await ingest.processEvent(eventBridge('Object Deleted', key, {}, { 'deletion-type': 'Permanently Deleted' }))).toEqual({ batchItemFailures: [] });
    expect(await store.getDocument(`${BUCKET}/${key}`)).toMatchObject({ status: 'deleted' });
  });

  it('an EventBridge event delivered through the queue is recorded too', async () => {
    const key = 'eb/through the queue.html';
    await upload(env.servers.s3, key, page(2));
    const event: SQSEvent = { Records: [sqsMessage(eventBridge('Object Created', key, {}, { reason: 'CompleteMultipartUpload' }))] };
    expect(await ingest.processEvent(event)).toEqual({ batchItemFailures: [] });
    expect(await store.getDocument(`${BUCKET}/${key}`)).toMatchObject({ status: 'recorded' });
  });

  it('maps reasons and deletion types to the S3 notification event names', () => {
    const name = (detailType: string, extra: Partial<EventBridgeS3Event['detail']>) => s3RecordOfEventBridge(eventBridge(detailType, 'k', {}, extra)).eventName;
    expect(name('Object Created', { reason: 'CopyObject' })).toBe('ObjectCreated:Copy');
    expect(name('Object Deleted', { reason: 'DeleteObject', 'deletion-type': 'Delete Marker Created' })).toBe('ObjectRemoved:DeleteMarkerCreated');
    expect(name('Object Deleted', { reason: 'Lifecycle Expiration', 'deletion-type': 'Permanently Deleted' })).toBe('LifecycleExpiration:Delete');
    expect(name('Object Deleted', { reason: 'Lifecycle Expiration', 'deletion-type': 'Delete Marker Created' })).toBe('LifecycleExpiration:DeleteMarkerCreated');
    expect(name('Object Restore Completed', {})).toBe('EventBridge:Object Restore Completed');
  });

  it('the s3:TestEvent sent to the function directly is skipped, nothing written', async () => {
    const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent' as const, Time: new Date().toISOString(), Bucket: BUCKET, RequestId: 'R', HostId: 'H' };
    expect(await ingest.processEvent(testEvent)).toEqual({ batchItemFailures: [] });
    expect(outcomes).toEqual([]);
  });
});

describe('removals', () => {
  for (const eventName of ['LifecycleExpiration:Delete', 'LifecycleExpiration:DeleteMarkerCreated']) {
    it(`${eventName} is a removal: the document ends deleted`, async () => {
      const key = `lifecycle/${eventName.replace(':', '-')}.html`;
      await ingest.processS3Record(await upload(env.servers.s3, key, page(3)));
      expect((await store.getDocument(`${BUCKET}/${key}`))?.status).toBe('recorded');
      await ingest.processS3Record(s3Record({ key, eventName }));
      expect((await store.getDocument(`${BUCKET}/${key}`))?.status).toBe('deleted');
    });
  }

  it('the removal of a version that is not the recorded one (a noncurrent version expiring) leaves the document recorded', async () => {
    const key = 'versions/story.html';
    await ingest.processS3Record(await upload(env.servers.s3, key, page(4)));
    // s3rver keeps no versions: the recorded document is given the version id a versioned bucket would report.
    const docId = `${BUCKET}/${key}`;
    const analysisRef = { bucket: BUCKET, key, versionId: 'v2', sequencer: nextSequencer() };
    const { analyzePage } = await import('../../functions/core/analyze.ts');
    await store.recordDocument(analysisRef, analyzePage(new TextEncoder().encode(page(4)), { fileName: key, contentType: 'text/html' }));
    expect(await store.getDocument(docId)).toMatchObject({ status: 'recorded', versionId: 'v2' });

    expect(await ingest.processS3Record(s3Record({ key, eventName: 'LifecycleExpiration:Delete', versionId: 'v1' }))).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('v1') });
    expect((await store.getDocument(docId))?.status).toBe('recorded');
    expect(await ingest.processS3Record(s3Record({ key, eventName: 'ObjectRemoved:Delete', versionId: 'v2' }))).toMatchObject({ outcome: 'deleted' });
    expect((await store.getDocument(docId))?.status).toBe('deleted');
  });
});

describe('events for another bucket', () => {
  it('are ignored with a reason, and write nothing', async () => {
    await env.servers.s3.send(new CreateBucketCommand({ Bucket: 'someone-elses' })).catch(() => undefined);
    const record = await upload(env.servers.s3, 'pages/theirs.html', page(5), { bucket: 'someone-elses' });
    expect(await ingest.processS3Record(record)).toEqual({ docId: 'someone-elses/pages/theirs.html', outcome: 'ignored', reason: expect.stringContaining('not the watched bucket "raw-pages"') });
    expect(await store.getDocument('someone-elses/pages/theirs.html')).toBeNull();
  });
});

describe("S3's 403 for an object the function cannot see", () => {
  /** S3 answers GetObject with 403, not 404, for a missing key when the reader may not list the bucket; s3rver never does. */
  function deniedOnGet(): S3Client {
    const s3 = localS3Client(env.servers.s3Endpoint);
    const realSend = s3.send.bind(s3) as (command: unknown) => Promise<unknown>;
    s3.send = (async (command: unknown) => {
      if (command instanceof GetObjectCommand) {
        throw new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } });
      }
      return realSend(command);
    }) as S3Client['send'];
    return s3;
  }

  it('404 on GetObject (a reader that may list): the object was deleted before it was read, so it is missing', async () => {
    const record = await upload(env.servers.s3, 'gone/deleted-early-404.html', page(8));
    await env.servers.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/deleted-early-404.html' }));
    expect(await ingest.processS3Record(record)).toEqual({ docId: `${BUCKET}/gone/deleted-early-404.html`, outcome: 'missing' });
  });

  it('403 on GetObject, and the listing of the watched prefix lacks the key: deleted before it was read, so missing (not retried)', async () => {
    const s3 = deniedOnGet();
    const record = await upload(env.servers.s3, 'gone/deleted-early.html', page(6));
    await env.servers.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone/deleted-early.html' }));
    expect(await ingestWith(s3).processS3Record(record)).toEqual({ docId: `${BUCKET}/gone/deleted-early.html`, outcome: 'missing' });
    s3.destroy();
  });

  it('403 on GetObject for an object that is there: a real denial, retried then dead-lettered, logged with message id, key and reason', async () => {
    const s3 = deniedOnGet();
    const record = await upload(env.servers.s3, 'denied/still here.html', page(7));
    const event: SQSEvent = { Records: [sqsMessage({ Records: [record] }, '00000000-0000-4000-8000-000000000403')] };
    expect(await ingestWith(s3).processEvent(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '00000000-0000-4000-8000-000000000403' }] });
    expect(failedMessages).toEqual([{ messageId: '00000000-0000-4000-8000-000000000403', bucket: BUCKET, key: 'denied/still here.html', reason: expect.stringContaining('Access Denied') }]);
    s3.destroy();
  });

  it('a message whose body is not an S3 event is logged with its id and reason', async () => {
    const event: SQSEvent = { Records: [{ ...sqsMessage({}, '00000000-0000-4000-8000-00000000bad0'), body: 'not json' }] };
    expect(await ingest.processEvent(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '00000000-0000-4000-8000-00000000bad0' }] });
    expect(failedMessages).toEqual([{ messageId: '00000000-0000-4000-8000-00000000bad0', reason: expect.stringContaining('not JSON') }]);
  });
});
