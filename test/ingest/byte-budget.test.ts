/**
 * Concurrency bounded by bytes (functions/ingest/byte-budget.ts): the limiter alone, then ten 15 MB pages in one SQS
 * batch through the real ingest (s3rver + dynalite), which must never hold more than the budget at once.
 * Counts bytes and tasks, never milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { createByteBudget, DEFAULT_IN_FLIGHT_BYTES } from '../../functions/ingest/byte-budget.ts';
import { createIngest } from '../../functions/ingest/ingest.ts';
import { createStore, documentIdFor } from '../../functions/store/index.ts';
import { nestedDivPage } from '../support/large-pages.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { sqsEvent, upload } from './s3-events.ts';

/** A task that holds its bytes until `finish` is called. */
function gate(): { promise: Promise<void>; finish: () => void } {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => (finish = resolve));
  return { promise, finish };
}

describe('createByteBudget', () => {
  it('starts tasks in arrival order while their bytes fit; a task bigger than the budget runs alone', async () => {
    const budget = createByteBudget(100);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const task = (name: string, bytes: number) => {
      const own = gate();
      gates.set(name, own);
      return budget.run(bytes, async () => {
        started.push(name);
        await own.promise;
        return name;
      });
    };
    const a = task('a', 60);
    const b = task('b', 30);
    const c = task('c', 50); // does not fit beside a + b
    const d = task('d', 5); // would fit, but waits behind c: no overtaking
    const e = task('e', 500); // over the whole budget: alone
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect(budget.inFlight).toBe(90);
    gates.get('a')!.finish();
    await a;
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    for (const name of ['b', 'c', 'd']) gates.get(name)!.finish();
    await Promise.all([b, c, d]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(budget.inFlight).toBe(100);
    gates.get('e')!.finish();
    expect(await e).toBe('e');
    expect({ inFlight: budget.inFlight, peakBytes: budget.peakBytes, peakTasks: budget.peakTasks, waited: budget.waited }).toEqual({ inFlight: 0, peakBytes: 100, peakTasks: 3, waited: 3 });
  });

  it('counts slots when each holder takes 1: acquire waits in order, and a release given twice frees one slot', async () => {
    const slots = createByteBudget(2);
    const first = await slots.acquire(1);
    const second = await slots.acquire(1);
    const order: string[] = [];
    const third = slots.acquire(1).then((release) => (order.push('third'), release));
    const fourth = slots.acquire(1).then((release) => (order.push('fourth'), release));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    first();
    first(); // a second call gives back nothing more
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['third']);
    expect({ inFlight: slots.inFlight, waited: slots.waited }).toEqual({ inFlight: 2, waited: 2 });
    second();
    (await third)();
    (await fourth)();
    expect({ inFlight: slots.inFlight, peakTasks: slots.peakTasks }).toEqual({ inFlight: 0, peakTasks: 2 });
  });

  it('gives the bytes back when a task throws', async () => {
    const budget = createByteBudget(10);
    await expect(budget.run(10, async () => Promise.reject(new Error('S3 down')))).rejects.toThrow('S3 down');
    expect(budget.inFlight).toBe(0);
    expect(await budget.run(10, async () => 'next')).toBe('next');
  });
});

describe('ten 15 MB pages in one SQS batch, through the ingest against s3rver and dynalite', () => {
  const env = useFreshTables('budget');

  it(`are all recorded, never more than ${DEFAULT_IN_FLIGHT_BYTES / 2 ** 20} MiB of them held at once`, async () => {
    const page = new TextEncoder().encode(nestedDivPage(15_000_000));
    const records = [];
    for (let index = 0; index < 10; index++) records.push(await upload(env.servers.s3, `large/page-${index}.html`, page, { contentType: 'text/html' }));
    const budget = createByteBudget(DEFAULT_IN_FLIGHT_BYTES);
    const ingest = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, inFlightBytes: budget });

    expect((await ingest.processEvent(sqsEvent(records))).batchItemFailures).toEqual([]);

    const store = createStore({ client: env.servers.dynamo, tableName: env.table });
    const documents = await Promise.all(records.map((_, index) => store.getDocument(documentIdFor('raw-pages', `large/page-${index}.html`))));
    expect(documents.map((doc) => [doc?.status, doc?.extraction])).toEqual(Array(10).fill(['recorded', 'streaming']));
    expect(budget.peakBytes).toBeLessThanOrEqual(DEFAULT_IN_FLIGHT_BYTES);
    expect(budget.peakTasks).toBe(Math.floor(DEFAULT_IN_FLIGHT_BYTES / page.length));
    expect(budget.waited).toBe(10 - budget.peakTasks);
    console.log(`[byte budget] 10 x ${(page.length / 1e6).toFixed(1)} MB pages: at most ${budget.peakTasks} at once, ${(budget.peakBytes / 2 ** 20).toFixed(1)} MiB in flight, ${budget.waited} waited`);
  }, 600_000);
});
