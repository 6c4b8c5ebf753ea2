/** The read verbs: one GetItem or one (paginated) index Query each. */
import { resolveCluster } from './clusters.ts';
import { batchGet, getConsistent, queryAll, type Item, type StoreContext } from './dynamo.ts';
import { decodeStoredItem, isJoinHint, readIndexEntry, type IndexEntry } from './items.ts';
import { clusterPartition, documentKey, INDEX_KEY_ATTRIBUTES, indexQuery, sortKeyOf } from './keys.ts';
import { INDEXES, KEY_PREFIXES, TABLE_KEYS, type IndexDefinition } from './schema.ts';
import type { StoredDocument } from './types.ts';

/** Key, index and bookkeeping attributes that are not part of a document's public shape. */
const INTERNAL_ATTRIBUTES = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...INDEX_KEY_ATTRIBUTES, 'sequencerKey', 'clusterRank', 'verdictVersion', 'settled'];

/**
 * The public shape of a stored document item: its key, index and bookkeeping attributes left out, the rest as stored
 * (not checked: an export shows every document as it is, whatever shape an older version wrote).
 */
export function toStoredDocument(item: Readonly<Record<string, unknown>>): StoredDocument {
  const document: Record<string, unknown> = decodeStoredItem({ ...item });
  for (const name of INTERNAL_ATTRIBUTES) delete document[name];
  // mismatchKinds is sparse in the table (absent: none); a document written by the Put alone has at most `content`.
  if (document.status === 'recorded' && !Array.isArray(document.mismatchKinds)) document.mismatchKinds = document.dateMismatch === true ? ['content'] : [];
  return document as unknown as StoredDocument;
}

export async function getDocument(ctx: StoreContext, docId: string): Promise<StoredDocument | null> {
  const item = await getConsistent(ctx, documentKey(docId));
  // A join hint at the key (clusters.ts hintPending) is no document.
  return item && !isJoinHint(item) ? toStoredDocument(item) : null;
}

/**
 * The whole documents an index Query names, in the index's order. Index entries hold only what their readers project
 * (schema.ts), so the documents are read by key: one BatchGet per 100, eventually consistent like the index itself.
 */
export async function documentsOfEntries(ctx: StoreContext, index: IndexDefinition, stored: readonly Item[]): Promise<StoredDocument[]> {
  const entries = stored.map((entry) => readIndexEntry(index, entry));
  const documents = await batchGet(ctx, entries.map((entry) => documentKey(entry.docId)), { consistentRead: false });
  const byDocId = new Map(documents.flatMap((item) => (typeof item.docId === 'string' ? [[item.docId, item] as const] : [])));
  const answered = new Set<string>();
  return entries.flatMap((entry) => {
    const document = byDocId.get(entry.docId);
    // Moved out of this partition (relabelled, deleted) since the index entry was read: no longer an answer. Once per
    // document (entries written before issue 15 may hold an original on both its document and its root record).
    if (!document || answered.has(entry.docId) || !stillIn(entry, document, index)) return [];
    answered.add(entry.docId);
    return [toStoredDocument(document)];
  });
}

/** The document an index entry names is still in the entry's partition (a cluster root stands for its original, clusters.ts). */
function stillIn(entry: IndexEntry<IndexDefinition>, document: Readonly<Record<string, unknown>>, index: IndexDefinition): boolean {
  if (isClusterRoot(entry)) return document.status === 'recorded' && document.clusterId === entry.clusterId;
  return document[index.partitionKey] === entry[index.partitionKey];
}

/** A cluster's root record (in byCluster as its original's entry), not a document's entry. */
export function isClusterRoot(entry: Readonly<Record<string, unknown>>): boolean {
  return sortKeyOf(entry) === KEY_PREFIXES.clusterSort;
}

/** A FilterExpression on an index's projected attributes: entries it leaves out are not read by key. */
interface EntryFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

async function queryIndex(ctx: StoreContext, index: IndexDefinition, partition: string, filter?: EntryFilter): Promise<StoredDocument[]> {
  const query = indexQuery(index, partition);
  const filtered = filter
    ? { ...query, FilterExpression: filter.expression, ExpressionAttributeNames: { ...query.ExpressionAttributeNames, ...filter.names }, ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ...filter.values } }
    : query;
  return documentsOfEntries(ctx, index, await queryAll(ctx, filtered));
}

/** The recorded members of a cluster (following a merge to the current cluster), the original first. */
export async function documentsInCluster(ctx: StoreContext, clusterId: string): Promise<StoredDocument[]> {
  return clusterMembers(ctx, clusterId);
}

/** documentsInCluster, with only the byCluster entries `filter` keeps read by key. */
async function clusterMembers(ctx: StoreContext, clusterId: string, filter?: EntryFilter): Promise<StoredDocument[]> {
  const root = await resolveCluster(ctx, clusterId);
  const members = await queryIndex(ctx, INDEXES.byCluster, clusterPartition(root.clusterId), filter);
  if (!root.virtual || members.some((member) => member.docId === root.clusterId)) return members;
  // No root record: its original is in no byCluster entry (a page alone, clusters.ts materializeRoot), read it by key.
  const original = await getDocument(ctx, root.clusterId);
  if (original?.status !== 'recorded' || original.clusterId !== root.clusterId) return members;
  return [original, ...members].sort((a, b) => ((a.rank ?? '') < (b.rank ?? '') ? -1 : (a.rank ?? '') > (b.rank ?? '') ? 1 : 0));
}

/**
 * The exact copies of a recorded page: the recorded documents with its normalized text (contentHash), itself among
 * them (alone when it has no copy), earliest rank first; none when it is not a recorded page. Exact copies share
 * their SimHash and sketch, so they are near-duplicates of each other, in one cluster (schema.ts): one Query of the
 * page's cluster in byCluster, filtered on the contentHash it projects, then the copies' documents by key. A root
 * record written before roots carried the contentHash passes the filter and is judged on its original's document,
 * which the answer reads anyway.
 */
export async function exactDuplicates(ctx: StoreContext, docId: string): Promise<StoredDocument[]> {
  const page = await getDocument(ctx, docId);
  if (page?.status !== 'recorded' || typeof page.contentHash !== 'string' || typeof page.clusterId !== 'string') return [];
  const contentHash = page.contentHash;
  const sameText: EntryFilter = {
    expression: '#contentHash = :contentHash OR attribute_not_exists(#contentHash)',
    names: { '#contentHash': 'contentHash' },
    values: { ':contentHash': contentHash },
  };
  // The documents' own contentHash decides: an old root's original, or an original overwritten since its entry was read.
  return (await clusterMembers(ctx, page.clusterId, sameText)).filter((doc) => doc.contentHash === contentHash);
}

/** Mismatched-date copies of either kind (mismatchKinds says which), in the order they were first seen. */
export async function listMismatches(ctx: StoreContext): Promise<StoredDocument[]> {
  return queryIndex(ctx, INDEXES.mismatches, KEY_PREFIXES.mismatch);
}
