/** The store's thin layer over the DocumentClient: one place for consistent reads, pagination, batching and error wrapping. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type NativeAttributeValue,
  type PutCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { resolveCoreConfig, type CoreConfig } from '../core/config.ts';
import { isConditionFailed, StoreError, toStoreError } from './errors.ts';
import { DEFAULT_INDEX_LAYOUT_NAME, indexLayoutNamed, type IndexLayout, type IndexLayoutName } from './index-layout.ts';
import type { ItemKey } from './keys.ts';
import { decodeStoredItem } from './items.ts';
import { DEFAULT_MAX_ITEM_BYTES } from './limits.ts';

export type Item = Record<string, unknown>;

/** Every tunable of the store, in one place. */
export const STORE_DEFAULTS = {
  /** Attempts to settle a cluster merge when other writers keep merging the same clusters. */
  maxMergeAttempts: 25,
  /** Redirect hops followed before a cluster chain is declared broken (a chain only goes to lower ranks, so it ends). */
  maxRedirectHops: 1000,
  /** Concurrent relabel writes when a cluster is merged. */
  relabelConcurrency: 8,
  /** Retries of unprocessed BatchGet / BatchWrite items, with exponential backoff from this many ms. */
  batchRetries: 8,
  batchRetryBaseMs: 20,
  /** Most a written item may weigh: DynamoDB's 400 KB less room for later updates (limits.ts fitItem). */
  maxItemBytes: DEFAULT_MAX_ITEM_BYTES,
  /** A band item this old whose document never came is an orphan of a run that died for good, not hinted (twice the longest Lambda timeout). */
  pendingAgeOutMs: 30 * 60_000,
} as const;
export type StoreLimits = { -readonly [K in keyof typeof STORE_DEFAULTS]: number };

export interface StoreOptions {
  /** A plain DynamoDBClient (wrapped here) or an existing DocumentClient. */
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  /** Thresholds of the near-duplicate decision (maxDistance, minSimilarity). */
  config?: Partial<CoreConfig>;
  limits?: Partial<StoreLimits>;
  /** Candidate index layout (index-layout.ts), fixed for the life of a table; default the four 16-bit bands. */
  indexLayout?: IndexLayoutName;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface StoreContext {
  db: DynamoDBDocumentClient;
  table: string;
  config: CoreConfig;
  limits: StoreLimits;
  /** Every write and lookup of band items goes through this layout. */
  indexLayout: IndexLayout;
  now: () => string;
}

export function createContext(options: StoreOptions): StoreContext {
  const db =
    options.client instanceof DynamoDBDocumentClient
      ? options.client
      : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  const clock = options.now ?? (() => new Date());
  return {
    db,
    table: options.tableName,
    config: resolveCoreConfig(options.config),
    limits: { ...STORE_DEFAULTS, ...options.limits },
    // Looked up by name even when typed: plain JavaScript callers may pass anything, and must hear the valid names.
    indexLayout: indexLayoutNamed(options.indexLayout ?? DEFAULT_INDEX_LAYOUT_NAME),
    now: () => clock().toISOString(),
  };
}

/** Run one SDK call, turning SDK failures into StoreError (ConditionalCheckFailed is left for writeIf to turn into an outcome). */
export async function attempt<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw error;
    throw toStoreError(operation, error);
  }
}

/**
 * A conditional write: its condition is required (an unconditional write has no outcome to tell apart). Put and
 * Update only: the store deletes with BatchWriteItem, and the ingest role is granted no dynamodb:DeleteItem
 * (test/infra/synth.test.ts checks the bundle sends no command the role lacks).
 */
type Conditional<T> = Omit<T, 'TableName' | 'ConditionExpression'> & { ConditionExpression: string };
export type ConditionalWrite = { put: Conditional<PutCommandInput> } | { update: Conditional<UpdateCommandInput> };

/** What a conditional write did: `attributes` are the ones its ReturnValues asked for (none asked: undefined). */
export type WriteOutcome = { written: true; attributes: Item | undefined } | { written: false };

/**
 * Run one conditional Put or Update on the table: a failed condition is an outcome (`written: false`) for the
 * caller to turn into its domain answer (stale, already there, moved on), never an exception; other failures are
 * StoreErrors. One request, as the SDK call alone.
 */
export async function writeIf(ctx: StoreContext, operation: string, write: ConditionalWrite): Promise<WriteOutcome> {
  const send = (): Promise<{ Attributes?: Item }> =>
    'put' in write ? ctx.db.send(new PutCommand({ ...write.put, TableName: ctx.table })) : ctx.db.send(new UpdateCommand({ ...write.update, TableName: ctx.table }));
  try {
    const result = await attempt(operation, send);
    return { written: true, attributes: result.Attributes };
  } catch (error) {
    if (isConditionFailed(error)) return { written: false };
    throw error;
  }
}

export async function getConsistent(ctx: StoreContext, key: ItemKey): Promise<Item | undefined> {
  const result = await attempt('GetItem', () => ctx.db.send(new GetCommand({ TableName: ctx.table, Key: key, ConsistentRead: true })));
  return result.Item && decodeStoredItem(result.Item);
}

/**
 * One eventually consistent GetItem (half the read units): for a first look. What it shows may be behind: a caller
 * relies on it only where an older state leads to the same answer (documents.ts recordDocument: a settled document
 * stays settled for its event), and otherwise confirms it with a conditional write or a consistent read.
 */
export async function getEventual(ctx: StoreContext, key: ItemKey): Promise<Item | undefined> {
  const result = await attempt('GetItem', () => ctx.db.send(new GetCommand({ TableName: ctx.table, Key: key })));
  return result.Item && decodeStoredItem(result.Item);
}

/** All pages of a Query. */
export async function queryAll(ctx: StoreContext, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, NativeAttributeValue> | undefined;
  do {
    const page = await attempt('Query', () => ctx.db.send(new QueryCommand({ ...input, TableName: ctx.table, ExclusiveStartKey: startKey })));
    items.push(...(page.Items ?? []).map(decodeStoredItem));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;

function chunks<T>(values: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

async function backoff(ctx: StoreContext, retry: number, operation: string): Promise<void> {
  if (retry >= ctx.limits.batchRetries) throw new StoreError(`DynamoDB ${operation}: items still unprocessed after ${retry} retries (throttled)`);
  await new Promise((resolve) => setTimeout(resolve, ctx.limits.batchRetryBaseMs * 2 ** retry));
}

/**
 * BatchGet of any number of keys (100 per request), asking unprocessed keys (throttling) again with a bounded
 * exponential backoff: a StoreError once `batchRetries` retries left some unread. The one batch read of the store.
 */
export async function batchGet(ctx: StoreContext, keys: ItemKey[], options: { consistentRead: boolean }): Promise<Item[]> {
  const found: Item[] = [];
  for (const chunk of chunks(keys, BATCH_GET_MAX)) {
    let pending: Record<string, NativeAttributeValue>[] = chunk;
    for (let retry = 0; pending.length > 0; retry++) {
      if (retry > 0) await backoff(ctx, retry - 1, 'BatchGetItem');
      const result = await attempt('BatchGetItem', () =>
        ctx.db.send(new BatchGetCommand({ RequestItems: { [ctx.table]: { Keys: pending, ConsistentRead: options.consistentRead } } })),
      );
      found.push(...(result.Responses?.[ctx.table] ?? []).map(decodeStoredItem));
      pending = result.UnprocessedKeys?.[ctx.table]?.Keys ?? [];
    }
  }
  return found;
}

/** Strongly consistent BatchGet (what the write path reads before it decides). */
export function batchGetConsistent(ctx: StoreContext, keys: ItemKey[]): Promise<Item[]> {
  return batchGet(ctx, keys, { consistentRead: true });
}

/** BatchWrite puts and deletes, retrying unprocessed items. */
export async function batchWrite(ctx: StoreContext, writes: { put?: Item; delete?: ItemKey }[]): Promise<void> {
  const requests = writes.map((write) => (write.put ? { PutRequest: { Item: write.put } } : { DeleteRequest: { Key: write.delete } }));
  for (const chunk of chunks(requests, BATCH_WRITE_MAX)) {
    let pending = chunk;
    for (let retry = 0; pending.length > 0; retry++) {
      if (retry > 0) await backoff(ctx, retry - 1, 'BatchWriteItem');
      const result = await attempt('BatchWriteItem', () => ctx.db.send(new BatchWriteCommand({ RequestItems: { [ctx.table]: pending } })));
      pending = (result.UnprocessedItems?.[ctx.table] ?? []) as typeof pending;
    }
  }
}

/** Run `task` over `values` with at most `limit` in flight. */
export async function forEachLimited<T>(values: T[], limit: number, task: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < values.length) await task(values[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
}
