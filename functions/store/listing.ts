/**
 * Reading the whole index, for `archive-dedup export`: a paginated Scan of the document items.
 * A full export reads every item anyway, so a Scan (filtered to documents) is the cheapest way; it is eventually
 * consistent and not a snapshot: documents written during the export may or may not appear.
 * Not part of createStore: the Lambda never scans, and its role has no dynamodb:Scan.
 */
import { BatchGetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { attempt, createContext, type Item, type StoreOptions } from './dynamo.ts';
import { documentKey } from './keys.ts';
import { toStoredDocument } from './queries.ts';
import { KEY_PREFIXES } from './schema.ts';
import type { StoredDocument } from './types.ts';

export interface DocumentReader {
  /** Every document item (any status), one Scan page at a time. */
  pages(): AsyncGenerator<StoredDocument[]>;
  /** The documents with these docIds that exist (eventually consistent, for looking up originals). */
  getMany(docIds: string[]): Promise<StoredDocument[]>;
}

const BATCH_GET_MAX = 100;
const UNPROCESSED_RETRY_MS = 100;

export function createDocumentReader(options: StoreOptions): DocumentReader {
  const ctx = createContext(options);
  return {
    async *pages() {
      let startKey: Item | undefined;
      do {
        const page = await attempt('Scan', () =>
          ctx.db.send(
            new ScanCommand({
              TableName: ctx.table,
              FilterExpression: 'sk = :document',
              ExpressionAttributeValues: { ':document': KEY_PREFIXES.documentSort },
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        const documents = (page.Items ?? []).map(toStoredDocument);
        if (documents.length > 0) yield documents;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
    async getMany(docIds) {
      const found: StoredDocument[] = [];
      for (let start = 0; start < docIds.length; start += BATCH_GET_MAX) {
        let keys: Item[] = docIds.slice(start, start + BATCH_GET_MAX).map(documentKey);
        // Unprocessed keys (throttling) are asked again; an export can afford to wait.
        while (keys.length > 0) {
          const result = await attempt('BatchGetItem', () => ctx.db.send(new BatchGetCommand({ RequestItems: { [ctx.table]: { Keys: keys } } })));
          found.push(...(result.Responses?.[ctx.table] ?? []).map(toStoredDocument));
          keys = result.UnprocessedKeys?.[ctx.table]?.Keys ?? [];
          if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_RETRY_MS));
        }
      }
      return found;
    },
  };
}
