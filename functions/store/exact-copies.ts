/**
 * The byContentHash index holds only pages that have an exact copy (same normalized text): a page alone pays no
 * index entry (a write unit per new unique page). Exact copies share their SimHash, hence every band, so the
 * clustering of a page always reads its copies' documents (clusters.ts assignCluster): that is where both enter the
 * index. Of two copies written concurrently at least one sees the other (band items are written before they are
 * queried), and it enters both. Deleting a document takes it out (documents.ts markDeleted removes hashPk).
 */
import { forEachLimited, writeIf, type Item, type StoreContext } from './dynamo.ts';
import { contentHashPartition, documentKey } from './keys.ts';
import { INDEXES } from './schema.ts';

const HASH_KEY = INDEXES.byContentHash.partitionKey;

/** Put into byContentHash every recorded document of `documents` that shares its content hash with another of them. */
export async function indexExactCopies(ctx: StoreContext, documents: Item[]): Promise<void> {
  const byHash = new Map<string, Item[]>();
  for (const doc of documents) {
    if (doc.status !== 'recorded' || typeof doc.contentHash !== 'string') continue;
    byHash.set(doc.contentHash, [...(byHash.get(doc.contentHash) ?? []), doc]);
  }
  const missing = [...byHash.values()].filter((copies) => copies.length > 1).flat().filter((doc) => doc[HASH_KEY] === undefined);
  await forEachLimited(missing, ctx.limits.relabelConcurrency, async (doc) => {
    // Not written: overwritten, deleted or entered meanwhile (the condition names this content, still recorded).
    await writeIf(ctx, 'UpdateItem exact copy', {
      update: {
        Key: documentKey(doc.docId as string),
        UpdateExpression: 'SET #hashKey = :hashKey',
        ConditionExpression: '#status = :recorded AND contentHash = :contentHash AND attribute_not_exists(#hashKey)',
        ExpressionAttributeNames: { '#hashKey': HASH_KEY, '#status': 'status' },
        ExpressionAttributeValues: { ':hashKey': contentHashPartition(doc.contentHash as string), ':recorded': 'recorded', ':contentHash': doc.contentHash },
      },
    });
  });
}
