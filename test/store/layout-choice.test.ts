/**
 * A deployment's index layout (StoreOptions.indexLayout) is the one every band write, lookup, removal and repair uses:
 * with the 10-table layout a document has exactly 10 band items of that layout, near-duplicates within 3 bits meet,
 * a delete removes all 10, and the repair of a redelivery writes back the missing ones.
 */
import { DeleteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, INDEX_LAYOUT_NAMES, indexLayoutNamed, type IndexLayoutName, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { PERMUTED_10_LAYOUT } from '../../functions/store/index-layout.ts';
import { bandPartitions } from '../../functions/store/keys.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, ARTICLE_B, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const BASE = '9d04c3b7e15a62f8';
const LAYOUT: IndexLayoutName = 'p10x25';
const env = useFreshTables();
let store: Store;

beforeEach(async () => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 }, indexLayout: LAYOUT });
});

let sequence = 0x500;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${sequence}`, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}
const docIdOf = (key: string): string => `${BUCKET}/${key}`;

async function bandItemsByDoc(): Promise<Map<string, string[]>> {
  const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  const byDoc = new Map<string, string[]>();
  for (const item of Items.filter((candidate) => String(candidate.pk).startsWith('BAND#'))) {
    byDoc.set(String(item.docId), [...(byDoc.get(String(item.docId)) ?? []), String(item.pk)].sort());
  }
  return byDoc;
}

// Three flipped bits spread over the fingerprint: within the layout's guarantee, in different blocks of it.
const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2019-03-02' });
const repost = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Thursday' }), simhash: flipBits(BASE, [2, 30, 57]), claimed: '2022-11-20' });

describe(`store with the ${LAYOUT} index layout`, () => {
  it('writes 10 band items of that layout per document and clusters a pair within 3 bits', async () => {
    await store.recordDocument(ref('repost.html'), repost);
    expect(await store.recordDocument(ref('original.html'), original)).toMatchObject({ outcome: 'recorded', isOriginal: true, clusterId: docIdOf('original.html') });
    expect(await store.recordDocument(ref('bakery.html'), makeAnalysis({ text: ARTICLE_B, simhash: flipBits(BASE, [0, 13, 26, 39, 52, 63]) }))).toMatchObject({ isOriginal: true });

    const bands = await bandItemsByDoc();
    console.log(`[store] ${LAYOUT}: band items per document ${[...bands.values()].map((pks) => pks.length).join(', ')}`);
    for (const [key, analysis] of [['original.html', original], ['repost.html', repost]] as const) {
      expect(bands.get(docIdOf(key))).toEqual(bandPartitions(analysis.simhash, PERMUTED_10_LAYOUT).sort());
      expect(bands.get(docIdOf(key))).toHaveLength(10);
    }
    expect((await store.documentsInCluster(docIdOf('original.html'))).map((doc) => doc.docId)).toEqual([docIdOf('original.html'), docIdOf('repost.html')]);
    expect(await store.getDocument(docIdOf('repost.html'))).toMatchObject({ clusterId: docIdOf('original.html'), duplicateOf: docIdOf('original.html'), distance: 3 });

    // The default layout queries other partitions: a table keeps the layout it was filled with.
    const defaultStore = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 } });
    expect(await defaultStore.findCandidates({ simhash: repost.simhash, sketch: repost.sketch })).toEqual([]);
    const found = await store.findCandidates({ simhash: repost.simhash, sketch: repost.sketch });
    expect(found.map((candidate) => candidate.docId).sort()).toEqual([docIdOf('original.html'), docIdOf('repost.html')]);
  });

  it('removes all 10 band items on delete and repairs missing ones on assignCluster', async () => {
    await store.recordDocument(ref('original.html'), original);
    await store.recordDocument(ref('repost.html'), repost);
    const db = DynamoDBDocumentClient.from(env.servers.dynamo);
    const lost = bandPartitions(repost.simhash, PERMUTED_10_LAYOUT).slice(3, 7);
    for (const pk of lost) await db.send(new DeleteCommand({ TableName: env.table, Key: { pk, sk: docIdOf('repost.html') } }));
    expect((await bandItemsByDoc()).get(docIdOf('repost.html'))).toHaveLength(6);

    expect(await store.assignCluster(docIdOf('repost.html'))).toMatchObject({ clusterId: docIdOf('original.html') });
    expect((await bandItemsByDoc()).get(docIdOf('repost.html'))).toEqual(bandPartitions(repost.simhash, PERMUTED_10_LAYOUT).sort());

    expect((await store.markDeleted(ref('original.html'))).outcome).toBe('deleted');
    expect([...(await bandItemsByDoc()).keys()]).toEqual([docIdOf('repost.html')]);
  });

  it('resolves every deployable name to the layout of that name, and refuses an unknown one, listing the valid ones', () => {
    expect(INDEX_LAYOUT_NAMES.map((name) => indexLayoutNamed(name).name)).toEqual(['bands4x16', 'bands8x16', 'p10x25', 'p16x28', 'probed4x16', 'probed4x16x2']);
    expect(() => createStore({ client: env.servers.dynamo, tableName: env.table, indexLayout: 'bands8x8' as IndexLayoutName })).toThrow(
      `unknown index layout "bands8x8": valid layouts are ${INDEX_LAYOUT_NAMES.join(', ')}`,
    );
  });
});
