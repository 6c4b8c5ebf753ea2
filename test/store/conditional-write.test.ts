/** writeIf, the one conditional-write path of the store, against dynalite: a failed condition is an outcome, anything else a StoreError. */
import { describe, expect, it } from 'vitest';
import { createContext, getConsistent, writeIf } from '../../functions/store/dynamo.ts';
import { StoreError } from '../../functions/store/errors.ts';
import { documentKey } from '../../functions/store/keys.ts';
import { useFreshTables } from '../support/table-fixture.ts';

const env = useFreshTables('conditional');

describe('writeIf', () => {
  it('writes when the condition holds, and reports (not throws) a failed condition, leaving the item as it was', async () => {
    const ctx = createContext({ client: env.servers.dynamo, tableName: env.table });
    const key = documentKey('raw-pages/a.html');
    const first = await writeIf(ctx, 'PutItem test', { put: { Item: { ...key, version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } });
    const second = await writeIf(ctx, 'PutItem test', { put: { Item: { ...key, version: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } });
    expect(first).toEqual({ written: true, attributes: undefined });
    expect(second).toEqual({ written: false });
    expect((await getConsistent(ctx, key))?.version).toBe(1);
  });

  it('returns the attributes an update asked for, and updates only while the condition holds', async () => {
    const ctx = createContext({ client: env.servers.dynamo, tableName: env.table });
    const key = documentKey('raw-pages/b.html');
    await writeIf(ctx, 'PutItem test', { put: { Item: { ...key, version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } });
    const update = { Key: key, UpdateExpression: 'SET version = :to', ExpressionAttributeValues: { ':to': 2, ':from': 1 }, ReturnValues: 'ALL_OLD' as const };
    expect(await writeIf(ctx, 'UpdateItem test', { update: { ...update, ConditionExpression: 'version = :from' } })).toEqual({ written: true, attributes: { ...key, version: 1 } });
    expect(await writeIf(ctx, 'UpdateItem test', { update: { ...update, ConditionExpression: 'version = :from' } })).toEqual({ written: false });
    expect((await getConsistent(ctx, key))?.version).toBe(2);
  });

  it('turns any other failure into a StoreError naming the operation', async () => {
    const ctx = createContext({ client: env.servers.dynamo, tableName: `${env.table}-missing` });
    const write = writeIf(ctx, 'PutItem test', { put: { Item: documentKey('raw-pages/c.html'), ConditionExpression: 'attribute_not_exists(pk)' } });
    await expect(write).rejects.toBeInstanceOf(StoreError);
    await expect(write).rejects.toThrow(/PutItem test failed: ResourceNotFoundException/);
  });
});
