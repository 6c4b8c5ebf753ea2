/**
 * What the deployed handler writes to its log when a message fails or an event is ignored: each failed message with
 * its id, object key and reason (not only "batch had failures"), and each ignored event with why. Real handler,
 * real Powertools logger (its JSON lines on stdout), real s3rver and dynalite.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useFreshTables } from '../support/table-fixture.ts';
import { s3Record, sqsMessage, upload } from './s3-events.ts';

const env = useFreshTables('handler-logs');
const lines: Record<string, unknown>[] = [];
let restore: () => void;

beforeAll(() => {
  // Powertools writes INFO and WARN to stdout, ERROR to stderr, one JSON object a line.
  const spies = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write.bind(stream);
    return vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) {
        if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      return write(chunk as string, ...(rest as []));
    }) as typeof stream.write);
  });
  restore = () => spies.forEach((spy) => spy.mockRestore());
});
afterAll(() => restore?.());
afterEach(() => {
  lines.length = 0;
});

async function freshHandler(bucketName = 'raw-pages') {
  Object.assign(process.env, {
    TABLE_NAME: env.table,
    BUCKET_NAME: bucketName,
    AWS_ENDPOINT_URL_S3: env.servers.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: env.servers.dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  vi.resetModules();
  return (await import('../../functions/ingest/handler.ts')).handler;
}

describe('handler logs', () => {
  it('logs each failed message with its message id, object key and reason, then the batch summary with the ids', async () => {
    // No watched bucket: the typo bucket's event is read, not ignored.
    const handler = await freshHandler('');
    const ok = await upload(env.servers.s3, 'logs/fine.txt', 'An invented paragraph about a harbour ferry that runs every hour.\n\nAnother invented paragraph about the timetable.');
    // A bucket that does not exist: S3 fails the read (not a missing object), so the message is retried.
    const broken = s3Record({ bucket: 'raw-pages-typo', key: 'logs/broken page.txt' });
    const event: SQSEvent = {
      Records: [
        sqsMessage({ Records: [ok] }, '00000000-0000-4000-8000-0000000000a1'),
        sqsMessage({ Records: [broken] }, '00000000-0000-4000-8000-0000000000a2'),
        { ...sqsMessage({}, '00000000-0000-4000-8000-0000000000a3'), body: 'not json' },
      ],
    };
    const response = await handler(event);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-0000000000a3']);
    const failed = lines.filter((line) => line.message === 'message failed; SQS retries it, then dead-letters it');
    expect(failed).toEqual(expect.arrayContaining([
      expect.objectContaining({ level: 'ERROR', messageId: '00000000-0000-4000-8000-0000000000a2', bucket: 'raw-pages-typo', key: 'logs/broken page.txt', reason: expect.stringContaining('raw-pages-typo') }),
      expect.objectContaining({ level: 'ERROR', messageId: '00000000-0000-4000-8000-0000000000a3', reason: expect.stringContaining('not JSON') }),
    ]));
    expect(failed).toHaveLength(2);
    // Each failure is one line: the record inside the message is not logged a second time.
    expect(lines.filter((line) => String(line.message).startsWith('record failed'))).toEqual([]);
    expect(lines.find((line) => line.message === 'batch had failures')).toMatchObject({ failed: 2, total: 3, messageIds: expect.arrayContaining(['00000000-0000-4000-8000-0000000000a2']) });
  });

  it('logs a failed record of a direct S3 event (no SQS message) once, with its key and reason', async () => {
    const handler = await freshHandler('');
    const broken = s3Record({ bucket: 'raw-pages-typo', key: 'logs/direct page.txt' });
    await expect(handler({ Records: [broken] })).rejects.toThrow();
    const failed = lines.filter((line) => line.level === 'ERROR');
    expect(failed).toEqual([expect.objectContaining({ message: 'record failed; it will be retried, then dead-lettered', bucket: 'raw-pages-typo', key: 'logs/direct page.txt', reason: expect.stringContaining('raw-pages-typo') })]);
  });

  it('logs an event for another bucket as ignored, with the reason, and writes nothing', async () => {
    const handler = await freshHandler();
    const theirs = s3Record({ bucket: 'someone-elses-bucket', key: 'logs/theirs.html' });
    expect(await handler({ Records: [sqsMessage({ Records: [theirs] })] })).toEqual({ batchItemFailures: [] });
    expect(lines.find((line) => line.message === 'ignored')).toMatchObject({
      level: 'INFO', bucket: 'someone-elses-bucket', key: 'logs/theirs.html', reason: expect.stringContaining('not the watched bucket "raw-pages"'),
    });
  });
});
