/**
 * byContentHash entries without extra document rewrites (issue 15): the original of an unmerged cluster has its
 * entry on the cluster's root record, every other page on its document, set by the label update that moves it
 * (exact-copies.ts). The answers stay those of a per-document index: each exact copy once, earliest rank first.
 */
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoMeter, readItemSizes } from '../../bench/support/dynamo-meter.ts';
import { createStore, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { INDEXES } from '../../functions/store/schema.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BASE = '3c5a9f00e1b2d4c6';
const BUCKET = 'raw-pages';
const env = useFreshTables('copies');
let store: Store;
let meter: DynamoMeter;

beforeAll(() => {
  meter = new DynamoMeter(env.servers.dynamo);
});

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 }, indexLayout: 'bands4x16' });
});

let sequence = 0x100;
function ref(key: string, eventTime?: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${key}`, size: 100, eventTime: eventTime ?? new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}

/** The raw byContentHash entries of a content hash, as `root:<docId>` (a cluster root record) or `doc:<docId>`, in index order. */
async function hashEntries(contentHash: string): Promise<string[]> {
  const { Items = [] } = await env.servers.dynamo.send(new QueryCommand({
    TableName: env.table,
    IndexName: INDEXES.byContentHash.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': INDEXES.byContentHash.partitionKey },
    ExpressionAttributeValues: { ':pk': { S: `HASH#${contentHash}` } },
  }));
  return Items.map((item: Record<string, AttributeValue>) => `${item.sk?.S === 'CLUSTER' ? 'root' : 'doc'}:${item.docId?.S}`);
}

const id = (key: string) => `${BUCKET}/${key}`;

describe('exact copies in byContentHash', () => {
  it('a first exact copy rewrites no document for the index: the original enters on its new root record, the copy with its label', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    await store.recordDocument(ref('original.html'), page);
    const mark = meter.mark();
    expect(await store.recordDocument(ref('copy.html'), page)).toMatchObject({ clusterId: id('original.html'), isOriginal: false });
    const records = meter.since(mark);
    const writes = records.filter((record) => record.key !== undefined && /^(Put|Update)/.test(record.command)).map((record) => `${record.command.replace(/Command$/, '')} ${record.key!.pk}`);
    // The original's document is not written at all; the copy's twice (its Put, its label), as for any near-duplicate.
    expect(writes.sort()).toEqual([
      `PutItem CLUSTER#${id('original.html')}`,
      `PutItem DOC#${id('copy.html')}`,
      `UpdateItem CLUSTER#${id('copy.html')}`,
      `UpdateItem CLUSTER#${id('original.html')}`,
      `UpdateItem DOC#${id('copy.html')}`,
    ]);
    expect(records.filter((record) => record.conditionFailed)).toEqual([]);
    // Units: document Put 1-2, 4 bands 4, redirect 1, root 1 + byCluster 1 + byContentHash 1, label (document + byCluster
    // + byContentHash), member 1. Before: the same plus two document UpdateItems of 1 table + 1 index unit at least each.
    const summary = meter.summarize(records, await readItemSizes(env.servers.dynamo, env.table));
    const documentBytes = (await readItemSizes(env.servers.dynamo, env.table)).of({ pk: `DOC#${id('copy.html')}`, sk: 'DOC' })!;
    const perDocumentWrite = Math.ceil(documentBytes / 1024);
    expect(summary.gsiWriteUnits).toBe(4); // root: byCluster + byContentHash; label: byCluster + byContentHash
    expect(summary.writeUnits).toBeLessThanOrEqual(perDocumentWrite + 4 + 1 + 3 + (perDocumentWrite + 2) + 1);

    expect(await hashEntries(page.contentHash)).toEqual([`root:${id('original.html')}`, `doc:${id('copy.html')}`]);
    expect((await store.exactDuplicates(page.contentHash)).map((doc) => doc.docId)).toEqual([id('original.html'), id('copy.html')]);
    expect((await store.documentsInCluster(id('copy.html'))).map((doc) => doc.docId)).toEqual([id('original.html'), id('copy.html')]);
  });

  it('a merge moves the original\'s entry from its merged root to its document; a third copy enters with its label', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, dominant: '2018-04' });
    await store.recordDocument(ref('a.html', '2024-03-01T00:00:00Z'), page);
    await store.recordDocument(ref('b.html', '2024-03-02T00:00:00Z'), page);
    expect(await hashEntries(page.contentHash)).toEqual([`root:${id('a.html')}`, `doc:${id('b.html')}`]);
    // An exact copy seen earlier (an older event time ranks first): a's cluster is merged into it.
    await store.recordDocument(ref('early.html', '2024-01-01T00:00:00Z'), page);
    expect(await hashEntries(page.contentHash)).toEqual([`root:${id('early.html')}`, `doc:${id('a.html')}`, `doc:${id('b.html')}`]);
    expect((await store.exactDuplicates(page.contentHash)).map((doc) => doc.docId)).toEqual([id('early.html'), id('a.html'), id('b.html')]);
    await store.recordDocument(ref('late.html', '2024-05-01T00:00:00Z'), page);
    expect((await hashEntries(page.contentHash)).sort()).toEqual([`doc:${id('a.html')}`, `doc:${id('b.html')}`, `doc:${id('late.html')}`, `root:${id('early.html')}`]);
    // A near-duplicate of other text joins the cluster but not the exact copies.
    await store.recordDocument(ref('near.html'), makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]), dominant: '2018-04' }));
    expect((await store.exactDuplicates(page.contentHash)).map((doc) => doc.docId)).toEqual([id('early.html'), id('a.html'), id('b.html'), id('late.html')]);
  });

  it('an original that is deleted or overwritten leaves byContentHash with its root entry; redelivery writes nothing more', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, dominant: '2018-04' });
    const first = ref('a.html');
    await store.recordDocument(first, page);
    const copy = ref('b.html');
    await store.recordDocument(copy, page);
    await store.recordDocument(ref('c.html'), page);
    const mark = meter.mark();
    expect(await store.recordDocument(copy, page)).toMatchObject({ outcome: 'unchanged' });
    // Conditional writes that fail (the Put that tells a redelivery, a label that does not move); no exact-copy write.
    const redelivered = meter.since(mark).filter((record) => /^(Put|Update|BatchWrite)/.test(record.command));
    expect(redelivered.filter((record) => !record.conditionFailed)).toEqual([]);
    expect((await hashEntries(page.contentHash)).sort()).toEqual([`doc:${id('b.html')}`, `doc:${id('c.html')}`, `root:${id('a.html')}`]);

    await store.markDeleted(ref('a.html'));
    expect((await hashEntries(page.contentHash)).sort()).toEqual([`doc:${id('b.html')}`, `doc:${id('c.html')}`]);
    expect((await store.exactDuplicates(page.contentHash)).map((doc) => doc.docId)).toEqual([id('b.html'), id('c.html')]);

    // b's cluster was a's (kept after a left); b overwritten with other text leaves, c stays alone in the index.
    await store.recordDocument(ref('b.html'), makeAnalysis({ text: 'An unrelated text about the tides and the moon over a quiet harbour town.', simhash: flipBits(BASE, [0, 9, 18, 27, 36, 45, 54, 63]) }));
    expect(await hashEntries(page.contentHash)).toEqual([`doc:${id('c.html')}`]);
  });

  it('copies recorded concurrently: every copy has exactly one entry, on its document or its cluster root', async () => {
    for (let round = 0; round < 3; round++) {
      const page = makeAnalysis({ text: `${ARTICLE_A} Round ${round} of the same story, copied word for word.`, simhash: flipBits(BASE, [20 + round]) });
      const keys = Array.from({ length: 6 }, (_, index) => `r${round}-${index}.html`);
      // Event times in an order unlike the writes', so that merges happen among them.
      await Promise.all(keys.map((key, index) => store.recordDocument(ref(key, new Date(Date.UTC(2024, 0, 10 - index)).toISOString()), page)));
      const entries = await hashEntries(page.contentHash);
      expect(entries.map((entry) => entry.split(':').slice(1).join(':')).sort()).toEqual(keys.map(id).sort());
      const roots = entries.filter((entry) => entry.startsWith('root:'));
      // The one root entry is the final cluster's original (the earliest), unless its root record came after.
      expect(roots.length).toBeLessThanOrEqual(1);
      const final = (await store.getDocument(id(keys[0]!)))?.clusterId;
      expect(new Set(await Promise.all(keys.map(async (key) => (await store.getDocument(id(key)))?.clusterId)))).toEqual(new Set([final]));
      expect((await store.exactDuplicates(page.contentHash)).map((doc) => doc.docId)).toEqual([...keys].reverse().map(id));
    }
  });
});
