/**
 * The bench's meter bills reads as DynamoDB does, on dynalite: dynalite returns 0 capacity for a Query that finds
 * nothing, where DynamoDB bills every Query and GetItem at least 1 RRU strongly consistent / 0.5 eventually
 * consistent (per started 4 KB), and BatchGetItem that per key.
 */
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoMeter, type ItemSizes } from '../../bench/support/dynamo-meter.ts';
import { useFreshTables } from '../support/table-fixture.ts';

const env = useFreshTables('meter');
let meter: DynamoMeter;
let db: DynamoDBDocumentClient;
const NO_SIZES: ItemSizes = { of: () => undefined, indexesOf: () => [], count: 0, byKind: new Map() };
const BIG = { pk: 'METER#big', sk: 'ITEM', text: 'x'.repeat(5 * 1024) }; // a 5 KB item: 2 started 4 KB blocks

beforeAll(() => {
  // One meter per client: the servers (and their client) live for the whole file.
  meter = new DynamoMeter(env.servers.dynamo);
  db = DynamoDBDocumentClient.from(env.servers.dynamo);
});

beforeEach(async () => {
  await meter.pause(async () => {
    await db.send(new PutCommand({ TableName: env.table, Item: BIG }));
    await db.send(new PutCommand({ TableName: env.table, Item: { pk: 'METER#small', sk: 'A' } }));
    await db.send(new PutCommand({ TableName: env.table, Item: { pk: 'METER#small', sk: 'B' } }));
  });
});

/** The read units the meter bills for one request. */
async function billed(send: () => Promise<unknown>): Promise<{ dynalite: number; billed: number; summarized: number }> {
  const mark = meter.mark();
  await send();
  const records = meter.since(mark);
  expect(records).toHaveLength(1);
  return { dynalite: records[0]!.tableUnits, billed: records[0]!.readUnits, summarized: meter.summarize(records, NO_SIZES).readUnits };
}

const query = (pk: string, consistent: boolean) => () =>
  db.send(new QueryCommand({ TableName: env.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: consistent }));

describe('DynamoMeter read units', () => {
  it('bills an empty Query 1 RRU strongly consistent and 0.5 eventually consistent, where dynalite returns 0', async () => {
    expect(await billed(query('METER#none', true))).toEqual({ dynalite: 0, billed: 1, summarized: 1 });
    expect(await billed(query('METER#none', false))).toEqual({ dynalite: 0, billed: 0.5, summarized: 0.5 });
  });

  it('bills a Query by the started 4 KB of all it reads, halved when eventually consistent', async () => {
    expect((await billed(query('METER#small', true))).billed).toBe(1);
    expect((await billed(query('METER#big', true))).billed).toBe(2);
    expect((await billed(query('METER#big', false))).billed).toBe(1);
  });

  it('bills a GetItem per started 4 KB, and a missing item at the minimum', async () => {
    const get = (pk: string, consistent: boolean) => () => db.send(new GetCommand({ TableName: env.table, Key: { pk, sk: 'ITEM' }, ConsistentRead: consistent }));
    expect((await billed(get('METER#big', true))).billed).toBe(2);
    expect((await billed(get('METER#big', false))).billed).toBe(1);
    expect((await billed(get('METER#none', true))).billed).toBe(1);
    expect((await billed(get('METER#none', false))).billed).toBe(0.5);
  });

  it('bills a BatchGetItem per key, found or not', async () => {
    const keys = [{ pk: 'METER#big', sk: 'ITEM' }, { pk: 'METER#small', sk: 'A' }, { pk: 'METER#none', sk: 'ITEM' }];
    const batch = (consistent: boolean) => () => db.send(new BatchGetCommand({ RequestItems: { [env.table]: { Keys: keys, ConsistentRead: consistent } } }));
    expect((await billed(batch(true))).billed).toBe(2 + 1 + 1);
    expect((await billed(batch(false))).billed).toBe(1 + 0.5 + 0.5);
  });

  it('bills writes no read units', async () => {
    const put = await billed(() => db.send(new PutCommand({ TableName: env.table, Item: { pk: 'METER#new', sk: 'A' } })));
    expect(put.billed).toBe(0);
    expect(put.summarized).toBe(0);
  });
});
