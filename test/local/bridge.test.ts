import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventKey, encodeEventKey } from '../../functions/ingest/events.ts';
import { bridgeS3Events, tagMultipartRequests } from '../../local/bridge.ts';
import { LocalQueue } from '../../local/queue.ts';
import { LOCAL_DEFAULTS, startLocalServers, type LocalServers } from '../../local/servers.ts';

const bucket = LOCAL_DEFAULTS.bucket;

describe('bridge: s3rver events become the records real S3 sends, through an SQS-like queue', () => {
  let servers: LocalServers;
  let queue: LocalQueue;
  const delivered: SQSEvent[] = [];
  const events = () => delivered.flatMap((event) => event.Records.map((record) => JSON.parse(record.body) as S3Event));

  beforeAll(async () => {
    servers = await startLocalServers({ s3Port: 0, dynamoPort: 0, s3Middleware: [tagMultipartRequests] });
    queue = new LocalQueue(async (event) => {
      delivered.push(event);
    });
    bridgeS3Events(servers.s3Events, (event) => queue.send(JSON.stringify(event)));
  });
  afterAll(async () => {
    queue?.close();
    await servers?.stop();
  });

  it('encodes keys form-style like S3 and decodes them back', () => {
    expect(encodeEventKey('red flower.jpg')).toBe('red+flower.jpg');
    expect(encodeEventKey('a/b c+d%e.txt')).toBe('a/b+c%2Bd%25e.txt');
    expect(encodeEventKey("it's (1).txt")).toBe('it%27s+%281%29.txt');
    expect(decodeEventKey(encodeEventKey('dir/ünï cødé+50%.html'))).toBe('dir/ünï cødé+50%.html');
  });

  it('keys with spaces, +, % and non-ASCII round-trip from an SDK upload to the record and back to the object', async () => {
    const keys = ['pages/red flower.html', 'pages/c++ notes.txt', 'pages/100% sure.txt', 'pages/Zürich – café 日本.txt'];
    for (const key of keys) await servers.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));
    await queue.whenIdle();

    const records = events().flatMap((event) => event.Records);
    for (const key of keys) {
      const record = records.find((candidate) => decodeEventKey(candidate.s3.object.key) === key);
      expect(record, `a record for ${key}`).toBeDefined();
      expect(record!.s3.object.key).not.toContain(' ');
      expect(record!).toMatchObject({ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' });
      expect(record!.s3.bucket.arn).toBe(`arn:aws:s3:::${bucket}`);
      expect(record!.s3.object.size).toBe(Buffer.byteLength(`body of ${key}`));
      expect(record!.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
      // The decoded key is the object's key: the handler can fetch it.
      const object = await servers.s3.send(new GetObjectCommand({ Bucket: bucket, Key: decodeEventKey(record!.s3.object.key) }));
      expect(await object.Body!.transformToString()).toBe(`body of ${key}`);
    }
    const sequencers = records.map((record) => record.s3.object.sequencer);
    expect(new Set(sequencers).size).toBe(sequencers.length);
  });

  it('wraps records as SQS messages in batches, like S3 -> SQS -> Lambda', async () => {
    const sqsRecord = delivered[0]!.Records[0]!;
    expect(sqsRecord).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
    expect(sqsRecord.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sqsRecord.receiptHandle).toBeTruthy();
    expect(Math.max(...delivered.map((event) => event.Records.length))).toBeLessThanOrEqual(10);
  });

  it('a multipart upload arrives as ObjectCreated:CompleteMultipartUpload, a delete as ObjectRemoved:Delete', async () => {
    const key = 'big/multi part.txt';
    const { UploadId } = await servers.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const part = await servers.s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'only part' }));
    await servers.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    await servers.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await queue.whenIdle();

    const forKey = events().flatMap((event) => event.Records).filter((record) => record.s3.object.key === 'big/multi+part.txt');
    expect(forKey.map((record) => record.eventName)).toEqual(['ObjectCreated:CompleteMultipartUpload', 'ObjectRemoved:Delete']);
    expect(forKey[1]!.s3.object).not.toHaveProperty('size');
  });
});

describe('LocalQueue: batches, retries of batchItemFailures, dead letters', () => {
  it('retries failed records with a growing receive count and dead-letters them after maxReceiveCount', async () => {
    const receives = new Map<string, number[]>();
    const queue = new LocalQueue(
      async (event) => {
        const failures: { itemIdentifier: string }[] = [];
        for (const record of event.Records) {
          receives.set(record.body, [...(receives.get(record.body) ?? []), Number(record.attributes.ApproximateReceiveCount)]);
          const flaky = record.body === 'flaky' && record.attributes.ApproximateReceiveCount !== '2';
          if (record.body === 'poison' || flaky) failures.push({ itemIdentifier: record.messageId });
        }
        return { batchItemFailures: failures };
      },
      { retryBackoffMs: 5, batchWindowMs: 1 },
    );
    for (const body of ['ok', 'flaky', 'poison']) queue.send(body);
    await queue.whenIdle();
    queue.close();

    expect(receives.get('ok')).toEqual([1]);
    expect(receives.get('flaky')).toEqual([1, 2]);
    expect(receives.get('poison')).toEqual([1, 2, 3]);
    expect(queue.deadLetters).toEqual([expect.objectContaining({ body: 'poison', receiveCount: 3 })]);
  });

  it('a handler that throws fails its whole batch; the dead letter keeps the error; concurrency is bounded', async () => {
    let running = 0;
    let maxRunning = 0;
    const queue = new LocalQueue(
      async (event) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (event.Records.some((record) => record.body === 'boom')) throw new Error('store unavailable');
      },
      { retryBackoffMs: 1, batchWindowMs: 0, batchSize: 1, concurrency: 2, maxReceiveCount: 2 },
    );
    for (let index = 0; index < 6; index += 1) queue.send(`page ${index}`);
    queue.send('boom');
    await queue.whenIdle();
    queue.close();
    expect(maxRunning).toBe(2);
    expect(queue.deadLetters).toEqual([expect.objectContaining({ body: 'boom', receiveCount: 2, lastError: 'Error: store unavailable' })]);
  });

  it('a message sent while a retry waits its backoff is handled at once, not after the backoff', async () => {
    const handledAt = new Map<string, number>();
    const queue = new LocalQueue(
      async (event) => {
        for (const record of event.Records) handledAt.set(record.body, Date.now());
        return { batchItemFailures: event.Records.filter((record) => record.body === 'poison').map((record) => ({ itemIdentifier: record.messageId })) };
      },
      { retryBackoffMs: 1500, batchWindowMs: 1, maxReceiveCount: 2 },
    );
    queue.send('poison');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sentAt = Date.now();
    queue.send('late');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handledAt.get('late')! - sentAt).toBeLessThan(250);
    await queue.whenIdle();
    queue.close();
    expect(queue.deadLetters.map((letter) => letter.body)).toEqual(['poison']);
  });
});
