import type { S3EventRecord, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../functions/store/index.ts';
import { readCorpusJson } from '../support/corpus.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { shuffled } from '../support/random.ts';
import { sqsEvent, upload } from './s3-events.ts';

// Small on purpose: 50 near-duplicates through 8 concurrent handlers is proven end to end in
// test/reliability/concurrency.suite.ts (whose invoker runs createIngest); this case proves the Lambda entry itself
// (environment, Powertools batch processor, batchItemFailures) under concurrent invocations.
const PAGES = 12;
const WORKERS = 4;
const BATCH = 3;
const ROUNDS = 1;

let servers: LocalServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

/** A long article body (from the extraction benchmark) and PAGES light edits of it: one word each, at different places. */
function variants(): string[] {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  const body = Object.values(truth).find((entry) => entry.articleBody.length > 4000)?.articleBody ?? '';
  const words = body.split(' ');
  return Array.from({ length: PAGES }, (_, i) => {
    const edited = [...words];
    const position = 20 + i * Math.floor((words.length - 40) / PAGES);
    edited[position] = `edit${i}`;
    return edited.join(' ');
  });
}

describe('Lambda handler', () => {
  it(`${PAGES} near-duplicate uploads through ${WORKERS} concurrent handler invocations end in one cluster, original = first seen`, async () => {
    const texts = variants();
    for (let round = 0; round < ROUNDS; round++) {
      const table = await freshTable(servers, `handler${round}`);
      process.env.TABLE_NAME = table;
      process.env.AWS_ENDPOINT_URL_S3 = servers.s3Endpoint;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = servers.dynamoEndpoint;
      process.env.AWS_REGION = 'us-east-1';
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
      process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
      process.env.POWERTOOLS_METRICS_DISABLED = 'true';
      // A fresh module per round: the handler reads its environment once, at the first invocation.
      vi.resetModules();
      const { handler } = await import('../../functions/ingest/handler.ts');

      // Distinct first-seen times: the page seen first is the original (the texts carry the same dates).
      const records: S3EventRecord[] = [];
      for (let i = 0; i < PAGES; i++) records.push(await upload(servers.s3, `round${round}/page ${i}.txt`, texts[i] ?? '', { eventTime: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString() }));
      const batches: SQSEvent[] = [];
      const order = shuffled(records, 17 + round);
      for (let start = 0; start < order.length; start += BATCH) batches.push(sqsEvent(order.slice(start, start + BATCH)));

      const started = performance.now();
      const failures: unknown[] = [];
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          for (let event = batches.shift(); event; event = batches.shift()) failures.push(...(await handler(event)).batchItemFailures);
        }),
      );
      const seconds = (performance.now() - started) / 1000;

      const store = createStore({ client: servers.dynamo, tableName: table });
      const documents = await Promise.all(records.map((_, i) => store.getDocument(`raw-pages/round${round}/page ${i}.txt`)));
      const clusters = new Set(documents.map((doc) => doc?.clusterId));
      const originals = documents.filter((doc) => doc?.isOriginal).map((doc) => doc?.key);
      const distances = documents.map((doc) => doc?.distance ?? -1);
      console.log(`handler round ${round}: ${PAGES} pages, ${WORKERS} invocations x batches of ${BATCH}, ${seconds.toFixed(2)} s; clusters ${clusters.size}, originals ${originals.length}, max distance to original ${Math.max(...distances)}`);
      expect(failures).toEqual([]);
      expect([...clusters]).toEqual([`raw-pages/round${round}/page 0.txt`]);
      expect(originals).toEqual([`round${round}/page 0.txt`]);
    }
  });

  it('rejects a non-numeric threshold in the environment with a clear message', async () => {
    const { configFromEnvironment } = await import('../../functions/ingest/environment.ts');
    expect(configFromEnvironment({ MAX_DISTANCE: '4', MIN_SIMILARITY: '0.8' })).toEqual({ maxDistance: 4, minSimilarity: 0.8 });
    expect(() => configFromEnvironment({ MAX_DISTANCE: 'four' })).toThrow('MAX_DISTANCE must be a number, got "four"');
  });
});
