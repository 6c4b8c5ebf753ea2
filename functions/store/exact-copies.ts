/**
 * The byContentHash index holds only pages that have an exact copy (same normalized text): a page alone pays no
 * index entry (a write unit per new unique page). Exact copies share their SimHash, hence every band, so the
 * clustering of a page always reads its copies' documents (clusters.ts assignCluster): that is where both enter the
 * index. Of two copies written concurrently at least one sees the other (band items are written before they are
 * queried), and it enters both.
 *
 * Where a page's entry is, so that no document is rewritten only for it (a 2 KB document costs 2-3 WRU a rewrite):
 * - the original of an UNMERGED cluster: on the cluster's root record (its `docId` and `rank`), which the same run
 *   writes anyway when the first copy joins (clusters.ts materializeRoot), or else on the existing root;
 * - any other page: on its document, set by the label update that moves it into the cluster (clusters.ts setLabel).
 * A merge takes the entry off the merged root (the redirect REMOVEs `hashPk` and returns it) and the merger owes it
 * to the original's document (its relabel carries it). Roots get an entry only while unmerged (every write that adds
 * one is conditional on no redirect), and a document only once its own cluster was merged (labelled away from it), so
 * no page has both. Deleting a document takes it out (documents.ts markDeleted removes hashPk from the document,
 * clusters.ts memberLeft from the root it is the original of); an overwrite deletes its root record.
 * Readers check each entry against the document it names (queries.ts).
 */
import { writeIf, type Item, type StoreContext } from './dynamo.ts';
import { contentHashPartition, documentKey } from './keys.ts';
import { INDEXES } from './schema.ts';

export const HASH_KEY = INDEXES.byContentHash.partitionKey;

/**
 * The byContentHash entries a clustering run owes, by docId: the write that rewrites a page's document or root
 * anyway carries the entry and settles it (`settle`); what is left is written alone at the end (settleExactCopies).
 */
export class OwedEntries {
  private readonly owed = new Map<string, { contentHash: string; document?: Item }>();

  owe(docId: string, contentHash: string, document?: Item): void {
    this.owed.set(docId, { contentHash, document: document ?? this.owed.get(docId)?.document });
  }

  /** The content hash whose entry `docId` is owed, if any. */
  contentHashOf(docId: string): string | undefined {
    return this.owed.get(docId)?.contentHash;
  }

  settle(docId: string): void {
    this.owed.delete(docId);
  }

  remaining(): { docId: string; contentHash: string; document?: Item }[] {
    return [...this.owed.entries()].map(([docId, entry]) => ({ docId, ...entry }));
  }
}

/**
 * The recorded documents of `documents` that share their content hash with another of them and are in no
 * byContentHash entry yet: neither their document nor their cluster's root record (`rootOf`: the root record
 * CLUSTER#<docId> when read, undefined when missing or unknown) carries one.
 */
export function owedEntries(documents: Item[], rootOf: (docId: string) => Item | undefined = () => undefined): OwedEntries {
  const byHash = new Map<string, Item[]>();
  for (const doc of documents) {
    if (doc.status !== 'recorded' || typeof doc.contentHash !== 'string') continue;
    byHash.set(doc.contentHash, [...(byHash.get(doc.contentHash) ?? []), doc]);
  }
  const owed = new OwedEntries();
  for (const copies of byHash.values()) {
    if (new Set(copies.map((doc) => doc.docId)).size < 2) continue;
    for (const doc of copies) {
      const root = rootOf(doc.docId as string);
      const entered = doc[HASH_KEY] !== undefined || (root !== undefined && root[HASH_KEY] !== undefined && root.docId === doc.docId);
      if (!entered) owed.owe(doc.docId as string, doc.contentHash as string, doc);
    }
  }
  return owed;
}

/** The attributes that put an item (document or root record) into byContentHash, besides its `rank`. */
export function contentHashEntry(contentHash: string): Item {
  return { [HASH_KEY]: contentHashPartition(contentHash) };
}

/**
 * Write the entries still owed after the run's own writes: on the root record of a page that is the original of an
 * unmerged cluster (`enterOnRoot`, supplied by clusters.ts: creates the root when missing; false when the root is
 * merged or of other content), else on its document.
 */
export async function settleExactCopies(ctx: StoreContext, owed: OwedEntries, enterOnRoot: (doc: Item, contentHash: string) => Promise<boolean>): Promise<void> {
  for (const { docId, contentHash, document } of owed.remaining()) {
    // A page labelled into another cluster (its own merged) has its entry on its document; the root write checks that too.
    if (document && document.clusterId === docId && (await enterOnRoot(document, contentHash))) continue;
    // Not written: overwritten, deleted or entered meanwhile (the condition names this content, still recorded).
    await writeIf(ctx, 'UpdateItem exact copy', {
      update: {
        Key: documentKey(docId),
        UpdateExpression: 'SET #hashKey = :hashKey',
        ConditionExpression: '#status = :recorded AND contentHash = :contentHash AND attribute_not_exists(#hashKey)',
        ExpressionAttributeNames: { '#hashKey': HASH_KEY, '#status': 'status' },
        ExpressionAttributeValues: { ':hashKey': contentHashPartition(contentHash), ':recorded': 'recorded', ':contentHash': contentHash },
      },
    });
    owed.settle(docId);
  }
}
