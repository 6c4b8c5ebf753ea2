/**
 * Reading the whole index, for `archive-dedup export` and `report`: a paginated Scan of the document items.
 * A full export reads every item anyway, so a Scan (filtered to documents) is the cheapest way; it is eventually
 * consistent and not a snapshot: documents written during the export may or may not appear.
 * Not part of createStore: the Lambda never scans, and its role has no dynamodb:Scan.
 */
import { ScanCommand, type ScanCommandInput, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { attempt, batchGet, createContext, type Item, type StoreOptions } from './dynamo.ts';
import { isJoinHint } from './items.ts';
import { documentKey } from './keys.ts';
import { documentsOfEntries, isClusterRoot, toStoredDocument } from './queries.ts';
import { INDEXES, KEY_PREFIXES, TABLE_KEYS } from './schema.ts';
import type { StoredDocument } from './types.ts';

export interface DocumentReader {
  /** Every document item (any status), one Scan page at a time. */
  pages(): AsyncGenerator<StoredDocument[]>;
  /** The documents with these docIds that exist (eventually consistent, for looking up originals). */
  getMany(docIds: string[]): Promise<StoredDocument[]>;
  /**
   * The recorded documents labelled into another page's cluster, one page at a time: a Scan of the byCluster index
   * (small entries, no band, member, object or tombstone items: a fraction of the table), then their documents by key.
   */
  recordedPages(): AsyncGenerator<StoredDocument[]>;
  /**
   * The documents no byCluster entry of their own names (pages alone and the originals of clusters, whose entry is
   * their cluster's root; rejected, deleted, and revisits whose original is not known yet): a Scan of the table
   * filtered to those document items (it reads every item).
   */
  unrecordedPages(): AsyncGenerator<StoredDocument[]>;
  /**
   * How many WARC/JSONL objects have ranges still running (not deleted, not finished): object items are in no
   * index, so this is a counting Scan of the table (it reads every item, returns none).
   */
  objectsInProgress(): Promise<number>;
}

export function createDocumentReader(options: StoreOptions): DocumentReader {
  const ctx = createContext(options);
  /** Every page of a Scan, in order; the next page is read only when asked for. */
  async function* scanPages(input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>): AsyncGenerator<ScanCommandOutput> {
    let startKey: Item | undefined;
    do {
      const page = await attempt('Scan', () => ctx.db.send(new ScanCommand({ ...input, TableName: ctx.table, ExclusiveStartKey: startKey })));
      yield page;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  async function* scan(input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>): AsyncGenerator<StoredDocument[]> {
    for await (const page of scanPages(input)) {
      const documents = (page.Items ?? []).map(toStoredDocument);
      if (documents.length > 0) yield documents;
    }
  }
  return {
    // The index holds what its readers project (schema.ts): the documents themselves are read by key, a page at a time.
    async *recordedPages() {
      for await (const page of scanPages({ IndexName: INDEXES.byCluster.indexName })) {
        // A cluster root's original has no entry of its own: unrecordedPages reads it (no clusterPk), so it comes once.
        const documents = await documentsOfEntries(ctx, INDEXES.byCluster, (page.Items ?? []).filter((entry) => !isClusterRoot(entry)));
        if (documents.length > 0) yield documents;
      }
    },
    unrecordedPages: () =>
      scan({
        // attribute_exists(status): a join hint at a document's key is no document (clusters.ts hintPending).
        FilterExpression: `${TABLE_KEYS.sortKey} = :document AND attribute_exists(#status) AND (#status <> :recorded OR attribute_not_exists(#clusterPk))`,
        ExpressionAttributeNames: { '#status': 'status', '#clusterPk': INDEXES.byCluster.partitionKey },
        ExpressionAttributeValues: { ':document': KEY_PREFIXES.documentSort, ':recorded': 'recorded' },
      }),
    pages: () =>
      scan({
        FilterExpression: `${TABLE_KEYS.sortKey} = :document AND attribute_exists(#status)`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':document': KEY_PREFIXES.documentSort },
      }),
    async objectsInProgress() {
      let count = 0;
      const pages = scanPages({
        Select: 'COUNT',
        // rangesTotal is set when an object is cut into ranges; finished when its last range is done (objects.ts).
        FilterExpression: `${TABLE_KEYS.sortKey} = :object AND attribute_exists(rangesTotal) AND attribute_not_exists(finished) AND #status <> :deleted`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':object': KEY_PREFIXES.objectSort, ':deleted': 'deleted' },
      });
      for await (const page of pages) count += page.Count ?? 0;
      return count;
    },
    async getMany(docIds) {
      // Eventually consistent (half the read units): originals looked up for an export were recorded long before.
      return (await batchGet(ctx, docIds.map(documentKey), { consistentRead: false })).filter((item) => !isJoinHint(item)).map(toStoredDocument);
    },
  };
}
