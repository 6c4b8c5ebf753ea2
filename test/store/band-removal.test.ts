/**
 * One band removal (documents.ts removeBands) for every way a document stops being an indexed page: overwritten by a
 * revisit, rejected, deleted. A revisit never has band items of its own, so replacing one deletes none.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../local/servers.ts';
import { createStore, type ObjectRef } from '../../functions/store/index.ts';
import { KEY_PREFIXES } from '../../functions/store/schema.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, ARTICLE_B, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const env = useFreshTables('bands');

let sequence = 0x700;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${sequence}`, size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}

/** docIds of the band items in the table. */
async function bandOwners(): Promise<string[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items.filter((item) => String(item.pk).startsWith(KEY_PREFIXES.band)).map((item) => String(item.docId));
}

/** Counts the BatchWriteItem requests the client sends. */
function countBatchWrites(client: DynamoDBClient): () => number {
  let count = 0;
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    if (context.commandName === 'BatchWriteItemCommand') count += 1;
    return next(args);
  };
  (client.middlewareStack as unknown as { add(middleware: unknown, options: { step: string; name: string }): void }).add(middleware, { step: 'initialize', name: 'countBatchWrites' });
  return () => count;
}

describe('band removal', () => {
  it('takes the band items of a page overwritten by a revisit, a rejection or a deletion, and only theirs', async () => {
    const store = createStore({ client: env.servers.dynamo, tableName: env.table });
    const original = `${BUCKET}/original.html`;
    await store.recordDocument(ref('original.html'), makeAnalysis({ text: ARTICLE_A }));
    for (const key of ['to-revisit.html', 'to-reject.html', 'to-delete.html']) await store.recordDocument(ref(key), makeAnalysis({ text: ARTICLE_B }));
    const perDocument = (await bandOwners()).filter((docId) => docId === original).length;
    expect(perDocument).toBeGreaterThan(0);
    expect((await bandOwners()).length).toBe(4 * perDocument);

    expect(await store.recordRevisit(ref('to-revisit.html'), { uri: 'https://example.org/a', date: '2024-01-01T00:00:00Z' }, original)).toMatchObject({ outcome: 'revisit', revisitOf: original });
    expect(await store.recordRejected(ref('to-reject.html'), { code: 'empty', message: 'no text' })).toMatchObject({ outcome: 'rejected' });
    expect(await store.markDeleted(ref('to-delete.html'))).toMatchObject({ outcome: 'deleted' });
    expect((await bandOwners()).sort()).toEqual(Array.from({ length: perDocument }, () => original));
  });

  it('deletes nothing when the replaced document is a revisit (it has no band items)', async () => {
    const client = localDynamoClient(env.servers.dynamoEndpoint);
    const store = createStore({ client, tableName: env.table });
    const original = `${BUCKET}/original.html`;
    await store.recordDocument(ref('original.html'), makeAnalysis({ text: ARTICLE_A }));
    await store.recordRevisit(ref('revisit.html'), { uri: 'https://example.org/a', date: '2024-01-01T00:00:00Z' }, original);
    const batchWrites = countBatchWrites(client);
    expect(await store.recordRejected(ref('revisit.html'), { code: 'empty', message: 'no text' })).toMatchObject({ outcome: 'rejected' });
    expect(await store.markDeleted(ref('revisit.html'))).toMatchObject({ outcome: 'deleted' });
    expect(batchWrites()).toBe(0);
    expect(await store.getDocument(`${BUCKET}/revisit.html`)).toMatchObject({ status: 'deleted' });
  });
});
