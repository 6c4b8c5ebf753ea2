/**
 * Big WARC / JSONL objects in ranges (issue 11), through the real ingest against s3rver + dynalite with real WARC bytes:
 * a short time budget, a read killed mid-way, an overwrite while ranges are in flight.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngest, type IngestOutcome, type InvocationContext } from '../../functions/ingest/ingest.ts';
import { createStore } from '../../functions/store/index.ts';
import { generatedPages, jsonlLines, warcSpecs } from '../support/crawl.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { writeWarc } from '../support/warc-writer.ts';
import { sqsEvent, sqsMessage, upload } from './s3-events.ts';

const env = useFreshTables('ranges');

/** The ingest with a queue of its own: what it sends is kept, and `drain` delivers it (one message per invocation). */
function harness(options: { rangeBytes?: number; s3?: S3Client; checkpointEvery?: number } = {}) {
  const queued: string[] = [];
  const outcomes: IngestOutcome[] = [];
  const ingest = createIngest({
    s3: options.s3 ?? env.servers.s3,
    dynamo: env.servers.dynamo,
    tableName: env.table,
    rangeBytes: options.rangeBytes,
    checkpointEvery: options.checkpointEvery,
    send: async (bodies) => void queued.push(...bodies),
    observer: { outcome: (outcome) => outcomes.push(outcome) },
  });
  const message = (body: string): SQSEvent => ({ Records: [sqsMessage(JSON.parse(body))] });
  return {
    ingest,
    queued,
    outcomes,
    message,
    /** Deliver queued messages (at most `limit`), each with a fresh context from `context()`. */
    async drain(context?: () => InvocationContext, limit = Infinity): Promise<number> {
      let invocations = 0;
      while (queued.length > 0 && invocations < limit) {
        const response = await ingest.processEvent(message(queued.shift()!), context?.());
        expect(response.batchItemFailures).toEqual([]);
        invocations += 1;
      }
      return invocations;
    },
  };
}

/** A context whose time runs out at its `checks`-th look at the clock: invocations that stop part-way, deterministically. */
function shortContext(checks: number): () => InvocationContext {
  return () => {
    let looked = 0;
    return { getRemainingTimeInMillis: () => (++looked >= checks ? 0 : 60_000) };
  };
}

function recordedPerDoc(outcomes: IngestOutcome[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) if (outcome.outcome === 'recorded') counts.set(outcome.docId, (counts.get(outcome.docId) ?? 0) + 1);
  return counts;
}

describe('a WARC too big for one invocation', () => {
  it('is split into ranges; invocations out of time continue where they stopped: every record recorded exactly once', async () => {
    const pages = generatedPages(500);
    const { bytes } = await writeWarc(warcSpecs(pages), true);
    const run = harness({ rangeBytes: 48 * 1024 });
    const event = await upload(env.servers.s3, 'crawls/big.warc.gz', bytes);
    await run.ingest.processEvent(sqsEvent([event]), shortContext(20)());
    const invocations = 1 + (await run.drain(shortContext(20)));

    const store = createStore({ client: env.servers.dynamo, tableName: env.table });
    const documents = await store.documentsOfObject('raw-pages', 'crawls/big.warc.gz');
    const progress = await store.objectProgress('raw-pages', 'crawls/big.warc.gz');
    const continued = run.outcomes.filter((outcome) => outcome.outcome === 'range-continued').length;
    console.log(`[ranges] ${pages.length} records, ${bytes.length} bytes: ${progress?.rangesTotal} ranges, ${invocations} invocations, ${continued} continuations`);
    expect(progress).toEqual({ status: 'recorded', recordsDone: pages.length, rangesDone: progress!.rangesTotal, rangesTotal: Math.ceil(bytes.length / (48 * 1024)), finished: true });
    expect(continued).toBeGreaterThan(3);
    expect(documents).toHaveLength(pages.length);
    expect(documents.every((document) => document.status === 'recorded')).toBe(true);
    expect(new Set(documents.map((document) => document.url))).toEqual(new Set(pages.map((page) => page.url)));
    // Paused ranges resume after their last record: nothing is analyzed twice.
    const perDoc = recordedPerDoc(run.outcomes);
    expect(perDoc.size).toBe(pages.length);
    expect([...perDoc.values()].every((count) => count === 1)).toBe(true);
    expect(run.outcomes.filter((outcome) => outcome.outcome === 'unchanged')).toEqual([]);

    // A redelivery of the finished object, and of every range: nothing more is written.
    const before = run.outcomes.length;
    await run.ingest.processEvent(sqsEvent([event]));
    await run.drain();
    expect(run.outcomes.slice(before).filter((outcome) => outcome.outcome === 'recorded' || outcome.outcome === 'unchanged')).toEqual([]);
  });

  it('a range whose read is killed mid-way resumes from its last checkpoint, without duplicates', async () => {
    const pages = generatedPages(300, 0, 5);
    const body = jsonlLines(pages);
    let gets = 0;
    // The connection dies after 40% of the object, the second time it is read (the first GetObject only sniffs it).
    const cutting = new Proxy(env.servers.s3, {
      get(target, name) {
        if (name !== 'send') return Reflect.get(target, name);
        return async (command: GetObjectCommand) => {
          const output = await target.send(command);
          if (command instanceof GetObjectCommand && ++gets === 2) output.Body = cutAfter(output.Body as AsyncIterable<Uint8Array>, Math.floor(body.length * 0.4)) as never;
          return output;
        };
      },
    }) as S3Client;
    const killed = harness({ s3: cutting, checkpointEvery: 20 });
    const event = await upload(env.servers.s3, 'scrapes/lines.jsonl', body);
    expect((await killed.ingest.processEvent(sqsEvent([event]))).batchItemFailures).toHaveLength(1);
    const firstTry = recordedPerDoc(killed.outcomes).size;

    const retry = harness({ checkpointEvery: 20 });
    expect((await retry.ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);
    const redone = retry.outcomes.filter((outcome) => outcome.outcome === 'unchanged').length;
    const store = createStore({ client: env.servers.dynamo, tableName: env.table });
    const documents = await store.documentsOfObject('raw-pages', 'scrapes/lines.jsonl');
    console.log(`[ranges] killed after ${firstTry} of ${pages.length} lines; the retry redid ${redone} (since the last checkpoint) and recorded ${recordedPerDoc(retry.outcomes).size}`);
    expect(firstTry).toBeGreaterThan(50);
    expect(redone).toBeLessThanOrEqual(20 + 4); // at most one checkpoint interval (+ the records in flight)
    expect(documents.map((document) => document.recordId).sort()).toEqual(pages.map((_, index) => `L${index + 1}`).sort());
    expect(documents.every((document) => document.status === 'recorded')).toBe(true);
    const total = new Map([...recordedPerDoc(killed.outcomes)]);
    for (const [docId, count] of recordedPerDoc(retry.outcomes)) total.set(docId, (total.get(docId) ?? 0) + count);
    expect([...total.values()].every((count) => count === 1)).toBe(true);
    expect(total.size).toBe(pages.length);
  });
});

describe('an object overwritten while its ranges are in flight ends with only the new version live', () => {
  for (const format of ['warc', 'jsonl'] as const) {
    it(format, async () => {
      const key = format === 'warc' ? 'crawls/moving.warc.gz' : 'scrapes/moving.jsonl';
      const encode = async (pages: ReturnType<typeof generatedPages>) => (format === 'warc' ? (await writeWarc(warcSpecs(pages), true)).bytes : jsonlLines(pages));
      const oldPages = generatedPages(240, 0, 21);
      const newPages = generatedPages(90, 0, 22);
      const run = harness({ rangeBytes: 24 * 1024, checkpointEvery: 20 });
      await run.ingest.processEvent(sqsEvent([await upload(env.servers.s3, key, await encode(oldPages))]), shortContext(30)());
      await run.drain(shortContext(30), 3); // the old version is part-way through its ranges
      const oldInFlight = run.queued.splice(0);
      expect(oldInFlight.length).toBeGreaterThan(0);

      await run.ingest.processEvent(sqsEvent([await upload(env.servers.s3, key, await encode(newPages))]));
      await run.drain();
      run.queued.push(...oldInFlight); // the old version's ranges run on, late
      await run.drain();

      const store = createStore({ client: env.servers.dynamo, tableName: env.table });
      const documents = await store.documentsOfObject('raw-pages', key);
      const live = documents.filter((document) => document.status === 'recorded');
      console.log(`[ranges] ${format} overwritten mid-way: ${documents.length} documents listed, ${live.length} live (new version: ${newPages.length})`);
      expect(live.map((document) => document.url).sort()).toEqual(newPages.map((page) => page.url).sort());
      expect(new Set(live.map((document) => document.sequencer)).size).toBe(1);
      expect(documents.filter((document) => document.status !== 'recorded').every((document) => document.status === 'deleted')).toBe(true);
    });
  }
});

async function* cutAfter(body: AsyncIterable<Uint8Array>, bytes: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body) {
    if (seen + chunk.length > bytes) {
      yield chunk.subarray(0, bytes - seen);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    seen += chunk.length;
    yield chunk;
  }
}
