/** The read verbs: one GetItem or one (paginated) index Query each. */
import { resolveCluster } from './clusters.ts';
import { getConsistent, queryAll, type Item, type StoreContext } from './dynamo.ts';
import { clusterPartition, contentHashPartition, documentKey, INDEX_KEY_ATTRIBUTES, indexQuery } from './keys.ts';
import { INDEXES, KEY_PREFIXES, TABLE_KEYS } from './schema.ts';
import type { StoredDocument } from './types.ts';

/** Key, index and bookkeeping attributes that are not part of a document's public shape. */
const INTERNAL_ATTRIBUTES = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...INDEX_KEY_ATTRIBUTES, 'sequencerKey', 'clusterRank', 'verdictVersion'];

export function toStoredDocument(item: Item): StoredDocument {
  const document: Item = { ...item };
  for (const name of INTERNAL_ATTRIBUTES) delete document[name];
  // mismatchKinds is sparse in the table (absent: none); a document written by the Put alone has at most `content`.
  if (document.status === 'recorded' && !Array.isArray(document.mismatchKinds)) document.mismatchKinds = document.dateMismatch === true ? ['content'] : [];
  return document as StoredDocument;
}

export async function getDocument(ctx: StoreContext, docId: string): Promise<StoredDocument | null> {
  const item = await getConsistent(ctx, documentKey(docId));
  return item ? toStoredDocument(item) : null;
}

/** The recorded members of a cluster (following a merge to the current cluster), the original first. */
export async function documentsInCluster(ctx: StoreContext, clusterId: string): Promise<StoredDocument[]> {
  const root = await resolveCluster(ctx, clusterId);
  const items = await queryAll(ctx, indexQuery(INDEXES.byCluster, clusterPartition(root.clusterId)));
  return items.map(toStoredDocument);
}

/** Recorded documents with exactly this normalized text, earliest rank first. */
export async function exactDuplicates(ctx: StoreContext, contentHash: string): Promise<StoredDocument[]> {
  const items = await queryAll(ctx, indexQuery(INDEXES.byContentHash, contentHashPartition(contentHash)));
  return items.map(toStoredDocument);
}

/** Mismatched-date copies of either kind (mismatchKinds says which), in the order they were first seen. */
export async function listMismatches(ctx: StoreContext): Promise<StoredDocument[]> {
  const items = await queryAll(ctx, indexQuery(INDEXES.mismatches, KEY_PREFIXES.mismatch));
  return items.map(toStoredDocument);
}
