/**
 * DynamoDB's size limits, enforced in front of dynalite so the embedded stack fails where AWS would.
 *
 * dynalite 4 checks them only in part: it measures strings in UTF-16 code units rather than UTF-8 bytes (a 300 KB
 * title of 3-byte characters, 900 KB in UTF-8, passes; so does a 1,000-character multibyte sort key of 3,000 bytes),
 * and it never checks the key attributes of global secondary indexes. AWS rejects all of these with a
 * ValidationException. This guard wraps dynalite's HTTP request handler and answers such writes as AWS does, before
 * dynalite sees them:
 *
 *   - PutItem, and each PutRequest of BatchWriteItem: item over 400 KB (limits.ts itemSizeBytes, UTF-8);
 *   - PutItem, BatchWriteItem, UpdateItem, DeleteItem, GetItem keys, and the GSI key attributes of a put item or of a
 *     `SET attr = :value` of an UpdateItem: partition key over 2,048 bytes, sort key over 1,024 bytes.
 *
 * Not covered: the size of the item an UpdateItem produces (dynalite checks it in UTF-16 units, exact for ASCII);
 * the store's updates only set keys, labels and version attributes, never an input-sized value.
 * Key schemas are learnt from the CreateTable requests that pass through (every table the local stack, the tests
 * or the AWS CLI create against it).
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { DYNAMODB_MAX_ITEM_BYTES, itemSizeBytes } from '../functions/store/limits.ts';
import { KEY_LIMITS, utf8Bytes } from '../functions/store/keys.ts';

type WireValue = Record<string, unknown>;
type WireItem = Record<string, WireValue>;

interface KeyAttribute {
  name: string;
  kind: 'HASH' | 'RANGE';
  /** The index it keys, or null for the table's own key. */
  index: string | null;
}

interface RequestBody {
  TableName?: string;
  Item?: WireItem;
  Key?: WireItem;
  RequestItems?: Record<string, { PutRequest?: { Item: WireItem }; DeleteRequest?: { Key: WireItem } }[]>;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: WireItem;
  KeySchema?: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[] }[];
}

/** A wire-format attribute value as the native value the DocumentClient would have written (for itemSizeBytes). */
function fromWire(value: WireValue): unknown {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return inner;
    case 'N':
      return Number(inner);
    case 'B':
      return Buffer.from(inner as string, 'base64');
    case 'BOOL':
    case 'NULL':
      return true;
    case 'SS':
      return new Set(inner as string[]);
    case 'NS':
      return new Set((inner as string[]).map(Number));
    case 'BS':
      return new Set((inner as string[]).map((item) => Buffer.from(item, 'base64')));
    case 'L':
      return (inner as WireValue[]).map(fromWire);
    case 'M':
      return fromWireItem(inner as WireItem);
    default:
      return inner;
  }
}

function fromWireItem(item: WireItem): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, fromWire(value)]));
}

/** Bytes of a key attribute value (strings in UTF-8, binaries decoded; numbers are never too long). */
function keyBytes(value: WireValue): number {
  if (typeof value.S === 'string') return utf8Bytes(value.S);
  if (typeof value.B === 'string') return Buffer.from(value.B, 'base64').length;
  return 0;
}

function keyProblem(attribute: KeyAttribute, value: WireValue | undefined): string | null {
  if (!value) return null;
  const bytes = keyBytes(value);
  const where = attribute.index ? ` (key ${attribute.name} of index ${attribute.index})` : '';
  if (attribute.kind === 'HASH' && bytes > KEY_LIMITS.partitionKeyBytes) {
    return `One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of ${KEY_LIMITS.partitionKeyBytes} bytes${where}`;
  }
  if (attribute.kind === 'RANGE' && bytes > KEY_LIMITS.sortKeyBytes) {
    return `One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of ${KEY_LIMITS.sortKeyBytes} bytes${where}`;
  }
  return null;
}

function itemProblem(keys: KeyAttribute[], item: WireItem): string | null {
  if (itemSizeBytes(fromWireItem(item)) > DYNAMODB_MAX_ITEM_BYTES) return 'Item size has exceeded the maximum allowed size';
  for (const attribute of keys) {
    const problem = keyProblem(attribute, item[attribute.name]);
    if (problem) return problem;
  }
  return null;
}

function keyOnlyProblem(keys: KeyAttribute[], key: WireItem | undefined): string | null {
  if (!key) return null;
  for (const attribute of keys.filter((candidate) => candidate.index === null)) {
    const problem = keyProblem(attribute, key[attribute.name]);
    if (problem) return problem;
  }
  return null;
}

/** GSI key attributes an UpdateItem sets with `SET name = :value` (the form the store writes). */
function updateProblem(keys: KeyAttribute[], body: RequestBody): string | null {
  const problem = keyOnlyProblem(keys, body.Key);
  if (problem || !body.UpdateExpression) return problem;
  for (const [, rawName, placeholder] of body.UpdateExpression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = rawName!.startsWith('#') ? body.ExpressionAttributeNames?.[rawName!] : rawName;
    const attribute = keys.find((candidate) => candidate.index !== null && candidate.name === name);
    const value = body.ExpressionAttributeValues?.[placeholder!];
    const found = attribute ? keyProblem(attribute, value) : null;
    if (found) return found;
  }
  return null;
}

function keyAttributes(body: RequestBody): KeyAttribute[] {
  return [
    ...(body.KeySchema ?? []).map((key) => ({ name: key.AttributeName, kind: key.KeyType, index: null })),
    ...(body.GlobalSecondaryIndexes ?? []).flatMap((index) => index.KeySchema.map((key) => ({ name: key.AttributeName, kind: key.KeyType, index: index.IndexName }))),
  ];
}

/** What AWS would answer the request with, or null to let dynalite handle it. */
function problemOf(operation: string, body: RequestBody, tables: Map<string, KeyAttribute[]>): string | null {
  const keysOf = (table: string | undefined): KeyAttribute[] => tables.get(table ?? '') ?? [];
  switch (operation) {
    case 'CreateTable':
      if (body.TableName) tables.set(body.TableName, keyAttributes(body));
      return null;
    case 'PutItem':
      return body.Item ? itemProblem(keysOf(body.TableName), body.Item) : null;
    case 'UpdateItem':
      return updateProblem(keysOf(body.TableName), body);
    case 'GetItem':
    case 'DeleteItem':
      return keyOnlyProblem(keysOf(body.TableName), body.Key);
    case 'BatchWriteItem':
      for (const [table, requests] of Object.entries(body.RequestItems ?? {})) {
        for (const request of requests) {
          const problem = request.PutRequest ? itemProblem(keysOf(table), request.PutRequest.Item) : keyOnlyProblem(keysOf(table), request.DeleteRequest?.Key);
          if (problem) return problem;
        }
      }
      return null;
    default:
      return null;
  }
}

function answerValidationError(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message });
  res.statusCode = 400;
  res.setHeader('Content-Type', 'application/x-amz-json-1.0');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('x-amzn-RequestId', `local-limit-${Date.now()}`);
  res.end(body);
}

/** Put the guard in front of a dynalite server's own request handler (before it listens). */
export function enforceDynamoLimits(server: Server): void {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const tables = new Map<string, KeyAttribute[]>();
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    for (const handler of handlers) handler(req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return forward(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      let problem: string | null = null;
      try {
        problem = problemOf(operation, JSON.parse(body.toString('utf8')) as RequestBody, tables);
      } catch {
        problem = null; // not JSON: dynalite answers it as it would
      }
      if (problem) return answerValidationError(res, problem);
      // dynalite reads the body from the request stream: hand it a stream of the bytes already read.
      const replay = Object.assign(Readable.from(body.length > 0 ? [body] : []), { headers: req.headers, method: req.method, url: req.url, socket: req.socket });
      forward(replay as unknown as IncomingMessage, res);
    });
  });
}
