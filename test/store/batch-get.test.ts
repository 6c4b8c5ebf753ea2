/**
 * The store's one batch read (dynamo.ts batchGet), through its export caller (listing.ts getMany): unprocessed keys
 * are asked again with a bounded backoff. dynalite never leaves keys unprocessed, so throttling is injected with SDK
 * middleware on the reader's own client.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../local/servers.ts';
import { batchWrite, createContext } from '../../functions/store/dynamo.ts';
import { StoreError } from '../../functions/store/errors.ts';
import { documentKey } from '../../functions/store/keys.ts';
import { createDocumentReader } from '../../functions/store/listing.ts';
import { useFreshTables } from '../support/table-fixture.ts';

const env = useFreshTables('batchget');

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;
interface KeysAndAttributes {
  Keys: unknown[];
  ConsistentRead?: boolean;
}

/**
 * Throttle BatchGetItem: the first `throttled` requests read only the first half of their keys and hand back the rest
 * as UnprocessedKeys (all of them when `everything`). Counts the requests and the ConsistentRead each asked for.
 */
function throttleBatchGets(client: DynamoDBClient, table: string, throttled: number, everything = false): { requests: () => number; consistentReads: () => (boolean | undefined)[] } {
  let requests = 0;
  const consistentReads: (boolean | undefined)[] = [];
  const middleware = (next: Handler, context: { commandName?: string }): Handler => async (args) => {
    if (context.commandName !== 'BatchGetItemCommand') return next(args);
    requests += 1;
    const request = (args.input.RequestItems as Record<string, KeysAndAttributes>)[table]!;
    consistentReads.push(request.ConsistentRead);
    if (requests > throttled) return next(args);
    if (everything) return { output: { Responses: { [table]: [] }, UnprocessedKeys: { [table]: request }, $metadata: {} } };
    const read = request.Keys.slice(0, Math.ceil(request.Keys.length / 2));
    const result = await next({ ...args, input: { ...args.input, RequestItems: { [table]: { ...request, Keys: read } } } });
    result.output.UnprocessedKeys = { [table]: { ...request, Keys: request.Keys.slice(read.length) } };
    return result;
  };
  (client.middlewareStack as unknown as { add(middleware: unknown, options: { step: string; name: string }): void }).add(middleware, { step: 'initialize', name: 'throttleBatchGets' });
  return { requests: () => requests, consistentReads: () => consistentReads };
}

const docIds = Array.from({ length: 150 }, (_, index) => `raw-pages/page-${String(index).padStart(3, '0')}.html`);

async function seedDocuments(): Promise<void> {
  const ctx = createContext({ client: env.servers.dynamo, tableName: env.table });
  await batchWrite(ctx, docIds.map((docId) => ({ put: { ...documentKey(docId), docId, status: 'recorded' } })));
}

describe('getMany (listing) reads through the one bounded batch-get', () => {
  it('asks unprocessed keys again until every document is read, eventually consistent, 100 keys a request', async () => {
    await seedDocuments();
    const client = localDynamoClient(env.servers.dynamoEndpoint);
    const meter = throttleBatchGets(client, env.table, 3);
    const found = await createDocumentReader({ client, tableName: env.table, limits: { batchRetryBaseMs: 1 } }).getMany(docIds);
    expect(found.map((document) => document.docId).sort()).toEqual(docIds);
    // First 100 keys: 50, 25 and 12 left unprocessed by three throttled requests, then read; the last 50 in one request.
    expect(meter.requests()).toBe(5);
    expect(meter.consistentReads().every((consistent) => consistent !== true)).toBe(true);
  });

  it('gives up with a StoreError after batchRetries retries when the keys stay unprocessed (no endless loop)', async () => {
    await seedDocuments();
    const client = localDynamoClient(env.servers.dynamoEndpoint);
    const meter = throttleBatchGets(client, env.table, Number.POSITIVE_INFINITY, true);
    const reader = createDocumentReader({ client, tableName: env.table, limits: { batchRetries: 3, batchRetryBaseMs: 1 } });
    await expect(reader.getMany(docIds.slice(0, 10))).rejects.toThrow(StoreError);
    expect(meter.requests()).toBe(4); // the first request and 3 retries
  });
});
