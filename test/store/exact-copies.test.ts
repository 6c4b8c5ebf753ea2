/**
 * Exact copies answered from byCluster (issue 15): copies of one main text share their fingerprint, so they are always
 * in one cluster, and a page's exact copies are its cluster's byCluster entries with its contentHash (projected; the
 * cluster's root record carries its original's). No index and no write of their own: the answers stay those of the
 * byContentHash index this replaced (each copy once, earliest rank first), also after merges and deletions.
 */
import { QueryCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
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

/** The raw byCluster entries of a cluster, as `root:<docId>` (a cluster root record) or `doc:<docId>`, with the contentHash each projects. */
async function clusterEntries(clusterId: string): Promise<{ entry: string; contentHash: string | undefined }[]> {
  const { Items = [] } = await env.servers.dynamo.send(new QueryCommand({
    TableName: env.table,
    IndexName: INDEXES.byCluster.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': INDEXES.byCluster.partitionKey },
    ExpressionAttributeValues: { ':pk': { S: `CLUSTER#${clusterId}` } },
  }));
  return Items.map((item: Record<string, AttributeValue>) => ({ entry: `${item.sk?.S === 'CLUSTER' ? 'root' : 'doc'}:${item.docId?.S}`, contentHash: item.contentHash?.S }));
}

const id = (key: string) => `${BUCKET}/${key}`;
const copiesOf = async (key: string) => (await store.exactDuplicates(id(key))).map((doc) => doc.docId);

describe('exact copies, answered from byCluster', () => {
  it('a first exact copy writes nothing for them: the root record the copy brings carries the original\'s contentHash', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    await store.recordDocument(ref('original.html'), page);
    expect(await copiesOf('original.html')).toEqual([id('original.html')]); // alone: itself
    const mark = meter.mark();
    expect(await store.recordDocument(ref('copy.html'), page)).toMatchObject({ clusterId: id('original.html'), isOriginal: false });
    const records = meter.since(mark);
    const writes = records.filter((record) => record.key !== undefined && /^(Put|Update)/.test(record.command)).map((record) => `${record.command.replace(/Command$/, '')} ${record.key!.pk}`);
    // Those of any near-duplicate joining a cluster: the original's root, a member log item, the copy's Put with its label.
    expect(writes.sort()).toEqual([`PutItem CLUSTER#${id('original.html')}`, `PutItem DOC#${id('copy.html')}`, `UpdateItem CLUSTER#${id('original.html')}`]);
    expect(records.filter((record) => record.conditionFailed)).toEqual([]);
    // Index units: the root's byCluster entry and the copy's (with byContentHash: 2 more, the original's and the copy's).
    const summary = meter.summarize(records, await readItemSizes(env.servers.dynamo, env.table));
    expect(summary.gsiWriteUnits).toBe(2);

    expect(await clusterEntries(id('original.html'))).toEqual([
      { entry: `root:${id('original.html')}`, contentHash: page.contentHash },
      { entry: `doc:${id('copy.html')}`, contentHash: page.contentHash },
    ]);
    for (const key of ['original.html', 'copy.html']) expect(await copiesOf(key)).toEqual([id('original.html'), id('copy.html')]);
    expect((await store.documentsInCluster(id('copy.html'))).map((doc) => doc.docId)).toEqual([id('original.html'), id('copy.html')]);
  });

  it('after a merge: the merged original answers from its document, the new one from its root; near-duplicates of other text are left out unread', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, dominant: '2018-04' });
    await store.recordDocument(ref('a.html', '2024-03-01T00:00:00Z'), page);
    await store.recordDocument(ref('b.html', '2024-03-02T00:00:00Z'), page);
    // An exact copy seen earlier (an older event time ranks first): a's cluster is merged into it.
    await store.recordDocument(ref('early.html', '2024-01-01T00:00:00Z'), page);
    expect(await clusterEntries(id('a.html'))).toEqual([]);
    expect((await clusterEntries(id('early.html'))).map(({ entry }) => entry)).toEqual([`root:${id('early.html')}`, `doc:${id('a.html')}`, `doc:${id('b.html')}`]);
    for (const key of ['a.html', 'b.html', 'early.html']) expect(await copiesOf(key)).toEqual([id('early.html'), id('a.html'), id('b.html')]);
    await store.recordDocument(ref('late.html', '2024-05-01T00:00:00Z'), page);

    // Near-duplicates of other text join the cluster but not the exact copies, and their documents are not read.
    for (const [index, word] of ['Wednesday', 'Thursday', 'Friday'].entries()) {
      await store.recordDocument(ref(`near-${index}.html`), makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: word }), simhash: flipBits(BASE, [5 + index]), dominant: '2018-04' }));
    }
    expect((await store.documentsInCluster(id('late.html'))).map((doc) => doc.docId)).toHaveLength(7);
    const mark = meter.mark();
    expect(await copiesOf('late.html')).toEqual([id('early.html'), id('a.html'), id('b.html'), id('late.html')]);
    const read = meter.since(mark);
    // The page's document, its cluster resolved (root record and original, one BatchGet), one filtered Query, then the
    // four copies' documents by key, not the seven members'.
    expect(read.filter((record) => record.command === 'QueryCommand').map((record) => record.itemsReturned)).toEqual([4]);
    expect(read.filter((record) => record.command === 'BatchGetItemCommand').map((record) => record.itemsReturned)).toEqual([2, 4]);
    expect(await copiesOf('near-0.html')).toEqual([id('near-0.html')]);
  });

  it('an original that is deleted or overwritten leaves the answers; redelivery writes nothing', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, dominant: '2018-04' });
    const first = ref('a.html');
    await store.recordDocument(first, page);
    const copy = ref('b.html');
    await store.recordDocument(copy, page);
    await store.recordDocument(ref('c.html'), page);
    const mark = meter.mark();
    expect(await store.recordDocument(copy, page)).toMatchObject({ outcome: 'unchanged' });
    // Conditional writes that fail (the Put that tells a redelivery, a label that does not move), nothing else.
    const redelivered = meter.since(mark).filter((record) => /^(Put|Update|BatchWrite)/.test(record.command));
    expect(redelivered.filter((record) => !record.conditionFailed)).toEqual([]);
    expect(await copiesOf('a.html')).toEqual([id('a.html'), id('b.html'), id('c.html')]);

    await store.markDeleted(ref('a.html'));
    // The root record stays a's cluster's byCluster entry (the cluster keeps its name): its deleted original is no answer.
    expect((await clusterEntries(id('a.html'))).map(({ entry }) => entry)).toContain(`root:${id('a.html')}`);
    expect(await copiesOf('b.html')).toEqual([id('b.html'), id('c.html')]);
    expect(await copiesOf('a.html')).toEqual([]); // no longer a recorded page

    // b overwritten with other text: a cluster of its own; c is left the only page with the text.
    const other = makeAnalysis({ text: 'An unrelated text about the tides and the moon over a quiet harbour town.', simhash: flipBits(BASE, [0, 9, 18, 27, 36, 45, 54, 63]) });
    await store.recordDocument(ref('b.html'), other);
    expect(await copiesOf('c.html')).toEqual([id('c.html')]);
    expect(await copiesOf('b.html')).toEqual([id('b.html')]);
  });

  it('a root record written before roots carried contentHash: its original is judged on its document', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, dominant: '2018-04' });
    await store.recordDocument(ref('old.html'), page);
    await store.recordDocument(ref('copy.html'), page);
    await store.recordDocument(ref('near.html'), makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]), dominant: '2018-04' }));
    await env.servers.dynamo.send(new UpdateItemCommand({ TableName: env.table, Key: { pk: { S: `CLUSTER#${id('old.html')}` }, sk: { S: 'CLUSTER' } }, UpdateExpression: 'REMOVE contentHash' }));
    expect((await clusterEntries(id('old.html')))[0]).toEqual({ entry: `root:${id('old.html')}`, contentHash: undefined });
    expect(await copiesOf('copy.html')).toEqual([id('old.html'), id('copy.html')]);
    expect(await copiesOf('near.html')).toEqual([id('near.html')]);
  });

  it('copies recorded concurrently end in one cluster, and each of them answers all of them', async () => {
    for (let round = 0; round < 3; round++) {
      const page = makeAnalysis({ text: `${ARTICLE_A} Round ${round} of the same story, copied word for word.`, simhash: flipBits(BASE, [20 + round]) });
      const keys = Array.from({ length: 6 }, (_, index) => `r${round}-${index}.html`);
      // Event times in an order unlike the writes', so that merges happen among them.
      await Promise.all(keys.map((key, index) => store.recordDocument(ref(key, new Date(Date.UTC(2024, 0, 10 - index)).toISOString()), page)));
      const final = (await store.getDocument(id(keys[0]!)))?.clusterId;
      expect(new Set(await Promise.all(keys.map(async (key) => (await store.getDocument(id(key)))?.clusterId)))).toEqual(new Set([final]));
      for (const key of keys) expect(await copiesOf(key)).toEqual([...keys].reverse().map(id));
    }
  });
});
