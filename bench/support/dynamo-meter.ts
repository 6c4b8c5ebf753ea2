/**
 * Counts every DynamoDB request a client sends, by command, with the capacity it consumes, through an SDK
 * middleware on the client (a DocumentClient built from it shares the same middleware stack).
 *
 * Capacity method (documented in the README, Performance):
 * - Table units: the middleware adds ReturnConsumedCapacity=TOTAL to every request and adds up what dynalite returns.
 *   dynalite computes them as DynamoDB does: writes 1 WRU per started 1 KB of the larger of the old and new item,
 *   strongly consistent reads 1 RRU per started 4 KB (Query: of the items' total size; Get / BatchGet: per item),
 *   eventually consistent reads half that.
 * - Read units as DynamoDB bills them (RequestRecord.readUnits): dynalite returns 0 for a Query that finds nothing,
 *   where DynamoDB bills every Query and GetItem at least 1 RRU strongly consistent / 0.5 RRU eventually consistent,
 *   and BatchGetItem that per key requested. The meter takes the larger of what dynalite returned and that floor
 *   (test/store/dynamo-meter.test.ts pins the rule on dynalite).
 * - What dynalite does not return is added here from item sizes (computed as DynamoDB does: attribute name bytes +
 *   value bytes in UTF-8, the store's own itemSizeBytes; dynalite's itemSize counts UTF-16 code units, which
 *   undercounts multibyte text): a write whose condition fails still costs ceil(existing item / 1 KB), at
 *   least 1 WRU; and every write to an item in a global secondary index costs ceil(index entry / 1 KB) per index,
 *   twice when it changes that index's key (delete + put). An index entry is what the index projects (schema.ts
 *   projectedAttributes: the table's and the index's keys and the INCLUDEd attributes); an UpdateItem that touches
 *   none of those attributes writes no entry. Item sizes are taken from the table after the run.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { itemSizeBytes } from '../../functions/store/limits.ts';
import { INDEXES, projectedAttributes } from '../../functions/store/schema.ts';

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
/** Read commands DynamoDB bills at least one read per request (Query, Scan, GetItem) or per key (BatchGetItem). */
const READ_COMMANDS = new Set(['QueryCommand', 'ScanCommand', 'GetItemCommand', 'BatchGetItemCommand']);

export interface RequestRecord {
  command: string;
  ok: boolean;
  conditionFailed: boolean;
  /** What dynalite returned (0 when it returned none: failed requests). */
  tableUnits: number;
  /** Read units as DynamoDB bills them: tableUnits, at least the per-request (per-key for BatchGet) minimum. 0 for writes. */
  readUnits: number;
  /** Items the request returned (Query Count, Get 0/1, BatchGet responses). */
  itemsReturned: number;
  /** Key of the single item written (Put / Update / Delete), marshalled. */
  key?: { pk: string; sk: string };
  /** The attribute names the update expression touches (placeholders resolved). */
  updatedAttributes?: string[];
  /** The attribute names of the item a PutItem writes. */
  putAttributes?: string[];
  /** The index partition keys the item had before this write, as far as the meter saw it written (index name -> value). */
  indexKeysBefore?: Record<string, string>;
  /** ... and after it. */
  indexKeysAfter?: Record<string, string>;
}

export interface CommandSummary {
  command: string;
  requests: number;
  conditionFailed: number;
  readUnits: number;
  writeUnits: number;
}

export interface MeterSummary {
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Of writeUnits: the GSI writes and the failed conditional writes, computed from item sizes. */
  gsiWriteUnits: number;
  conditionFailedWriteUnits: number;
  byCommand: CommandSummary[];
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

export class DynamoMeter {
  private records: RequestRecord[] = [];
  private enabled = true;
  /** Index partition keys of every item written so far, to tell an index entry that moves from a new one. */
  private indexKeys = new Map<string, Record<string, string>>();

  constructor(client: DynamoDBClient) {
    const meter = (next: Handler, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
        if (!this.enabled) return next(args);
        const command = context.commandName ?? 'unknown';
        const input: Record<string, unknown> = { ...args.input, ReturnConsumedCapacity: 'TOTAL' };
        const record: RequestRecord = { command, ok: false, conditionFailed: false, tableUnits: 0, readUnits: 0, itemsReturned: 0 };
        const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
        if (key) record.key = { pk: stringAttribute(key, 'pk'), sk: stringAttribute(key, 'sk') };
        if (command === 'PutItemCommand' && input.Item) record.putAttributes = Object.keys(input.Item);
        if (typeof input.UpdateExpression === 'string') {
          record.updatedAttributes = attributesOf(input.UpdateExpression, input.ExpressionAttributeNames as Record<string, string> | undefined);
        }
        const itemId = record.key && `${record.key.pk}\u0000${record.key.sk}`;
        if (itemId) record.indexKeysBefore = this.indexKeys.get(itemId) ?? {};
        this.records.push(record);
        try {
          const result = await next({ ...args, input });
          record.ok = true;
          if (itemId) {
            record.indexKeysAfter = indexKeysAfter(command, input, record.indexKeysBefore ?? {});
            this.indexKeys.set(itemId, record.indexKeysAfter);
          }
          record.tableUnits = consumedUnits(result.output.ConsumedCapacity);
          record.readUnits = READ_COMMANDS.has(command) ? Math.max(record.tableUnits, minimumReadUnits(command, input)) : 0;
          record.itemsReturned = itemsIn(result.output);
          return result;
        } catch (error) {
          record.conditionFailed = (error as Error).name === 'ConditionalCheckFailedException';
          throw error;
        }
      };
    // After the DocumentClient has marshalled the input (keys are AttributeValues here), before serialization.
    const stack = client.middlewareStack as unknown as { add(middleware: typeof meter, options: { step: string; priority: string; name: string }): void };
    stack.add(meter, { step: 'serialize', priority: 'high', name: 'archiveDedupBenchMeter' });
  }

  /** Stop counting (e.g. while the bench itself reads the table). */
  pause<T>(run: () => Promise<T>): Promise<T> {
    this.enabled = false;
    return run().finally(() => (this.enabled = true));
  }

  mark(): number {
    return this.records.length;
  }

  since(mark: number): RequestRecord[] {
    return this.records.slice(mark);
  }

  /** Totals over `records`, with the GSI and failed-condition write units computed from the final item sizes. */
  summarize(records: RequestRecord[], sizes: ItemSizes): MeterSummary {
    const byCommand = new Map<string, CommandSummary>();
    let gsiWriteUnits = 0;
    let conditionFailedWriteUnits = 0;
    for (const record of records) {
      const row = byCommand.get(record.command) ?? { command: record.command, requests: 0, conditionFailed: 0, readUnits: 0, writeUnits: 0 };
      byCommand.set(record.command, row);
      row.requests++;
      const isWrite = WRITE_COMMANDS.has(record.command);
      let units = isWrite ? record.tableUnits : record.readUnits;
      if (record.conditionFailed) {
        row.conditionFailed++;
        const failedUnits = Math.max(1, Math.ceil((sizes.of(record.key) ?? 0) / 1024));
        conditionFailedWriteUnits += failedUnits;
        units += failedUnits;
      } else if (record.ok && isWrite && record.key) {
        const gsi = gsiWriteUnitsOf(record, sizes);
        gsiWriteUnits += gsi;
        units += gsi;
      }
      if (isWrite) row.writeUnits += units;
      else row.readUnits += units;
    }
    const rows = [...byCommand.values()].sort((a, b) => b.requests - a.requests);
    return {
      requests: records.length,
      readUnits: rows.reduce((total, row) => total + row.readUnits, 0),
      writeUnits: rows.reduce((total, row) => total + row.writeUnits, 0),
      gsiWriteUnits,
      conditionFailedWriteUnits,
      byCommand: rows,
    };
  }
}

function stringAttribute(key: Record<string, unknown>, name: string): string {
  const value = key[name];
  if (typeof value === 'string') return value;
  const marshalled = value as { S?: string } | undefined;
  return marshalled?.S ?? '';
}

function consumedUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((total: number, entry: { CapacityUnits?: number }) => total + (entry.CapacityUnits ?? 0), 0);
}

/** DynamoDB's floor for a read: 1 RRU strongly consistent, 0.5 eventually consistent, per request or, for BatchGet, per key. */
function minimumReadUnits(command: string, input: Record<string, unknown>): number {
  const perRead = (consistent: unknown) => (consistent === true ? 1 : 0.5);
  if (command !== 'BatchGetItemCommand') return perRead(input.ConsistentRead);
  const tables = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>);
  return tables.reduce((total, table) => total + (table.Keys?.length ?? 0) * perRead(table.ConsistentRead), 0);
}

function itemsIn(output: Record<string, unknown>): number {
  if (typeof output.Count === 'number') return output.Count;
  if (output.Item) return 1;
  const responses = output.Responses as Record<string, unknown[]> | undefined;
  return responses ? Object.values(responses).reduce((total, items) => total + items.length, 0) : 0;
}

/** The attribute names an update expression sets or removes (the first name of each path). */
function attributesOf(expression: string, names: Record<string, string> = {}): string[] {
  const paths = expression.replace(/\b(SET|REMOVE|ADD|DELETE)\b/g, ',').split(',').map((clause) => clause.trim().split(/[\s=.[]/)[0] ?? '');
  return paths.filter((path) => path.length > 0).map((path) => names[path] ?? path);
}

/** The index partition keys an item has after a successful write (Put: those it carries; Update: SET / REMOVE applied). */
function indexKeysAfter(command: string, input: Record<string, unknown>, before: Record<string, string>): Record<string, string> {
  const after: Record<string, string> = command === 'PutItemCommand' ? {} : { ...before };
  const item = input.Item as Record<string, unknown> | undefined;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const expression = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  const removed = new Set(/\bREMOVE\b(.*)$/.exec(expression)?.[1]?.split(',').map((name) => names[name.trim()] ?? name.trim()) ?? []);
  const assigned = new Map([...expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)].map((match) => [names[match[1]!] ?? match[1]!, stringAttribute(values, match[2]!)]));
  for (const index of Object.values(INDEXES)) {
    if (item && item[index.partitionKey] !== undefined) after[index.indexName] = stringAttribute(item, index.partitionKey);
    if (assigned.has(index.partitionKey)) after[index.indexName] = assigned.get(index.partitionKey)!;
    if (removed.has(index.partitionKey)) delete after[index.indexName];
  }
  return after;
}

/** Item sizes (bytes, as DynamoDB counts them) and index membership of every item in the table. */
export interface ItemSizes {
  of(key: { pk: string; sk: string } | undefined): number | undefined;
  /** The indexes the item is in, with the size of its entry in each. */
  indexesOf(key: { pk: string; sk: string }): { indexName: string; bytes: number }[];
  count: number;
  /** Sizes by item kind (DOC, BAND, CLUSTER, MEMBER), for the report. */
  byKind: Map<string, number[]>;
}

export async function readItemSizes(client: DynamoDBClient, tableName: string): Promise<ItemSizes> {
  const sizes = new Map<string, { bytes: number; indexes: { indexName: string; bytes: number }[] }>();
  const byKind = new Map<string, number[]>();
  // Unmarshalled items (numbers, Uint8Array, Sets), as itemSizeBytes measures them.
  const documents = DynamoDBDocumentClient.from(client);
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const pk = typeof item.pk === 'string' ? item.pk : '';
      const sk = typeof item.sk === 'string' ? item.sk : '';
      const bytes = itemSizeBytes(item);
      const indexes = Object.values(INDEXES)
        .filter((index) => item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined)
        .map((index) => ({ indexName: index.indexName, bytes: itemSizeBytes(Object.fromEntries(projectedAttributes(index).map((name) => [name, item[name]]))) }));
      sizes.set(`${pk}\u0000${sk}`, { bytes, indexes });
      const kind = sk.startsWith('MEMBER#') ? 'MEMBER' : pk.split('#')[0]!;
      byKind.set(kind, [...(byKind.get(kind) ?? []), bytes]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return {
    of: (key) => (key ? sizes.get(`${key.pk}\u0000${key.sk}`)?.bytes : undefined),
    indexesOf: (key) => sizes.get(`${key.pk}\u0000${key.sk}`)?.indexes ?? [],
    count: sizes.size,
    byKind,
  };
}

/** GSI write units of one successful single-item write: per index it enters, leaves or changes in; 2x when its key there moves. */
function gsiWriteUnitsOf(record: RequestRecord, sizes: ItemSizes): number {
  if (!record.key) return 0;
  let units = 0;
  const before = record.indexKeysBefore ?? {};
  const after = record.indexKeysAfter ?? {};
  for (const index of Object.values(INDEXES)) {
    const wasIn = before[index.indexName] !== undefined;
    const isIn = after[index.indexName] !== undefined;
    if (!wasIn && !isIn) continue;
    const entry = sizes.indexesOf(record.key).find((candidate) => candidate.indexName === index.indexName);
    const perIndex = Math.max(1, Math.ceil((entry?.bytes ?? 0) / 1024));
    if (wasIn && isIn && before[index.indexName] !== after[index.indexName]) units += 2 * perIndex; // the entry moves: delete + put
    else if (wasIn !== isIn) units += perIndex; // a new entry, or one deleted
    else if (record.command !== 'UpdateItemCommand' || projectedAttributes(index).some((name) => (record.updatedAttributes ?? []).includes(name))) units += perIndex;
    // else: an update that changes nothing the index holds writes no entry
  }
  return units;
}
