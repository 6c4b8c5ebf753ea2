/**
 * What the store writes, item by item (issue 15, the DynamoDB bill): compact attributes, index entries holding only
 * their projections, and items of the shape written before still read the same.
 */
import { DynamoDBClient, QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { readDocumentItem } from '../../functions/store/items.ts';
import { createDocumentReader } from '../../functions/store/listing.ts';
import { INDEXES } from '../../functions/store/schema.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BASE = '3c5a9f00e1b2d4c6';
const BUCKET = 'raw-pages';
const env = useFreshTables('shapes');
let store: Store;

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 }, indexLayout: 'bands4x16' });
});

let sequence = 0x100;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${key}`, size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}

/** Raw items (AttributeValues, so the stored type of each attribute shows). */
async function rawItems(client: DynamoDBClient): Promise<Record<string, Record<string, unknown>>[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items as unknown as Record<string, Record<string, unknown>>[];
}

/** The raw entries of one index partition. */
async function indexEntries(index: (typeof INDEXES)[keyof typeof INDEXES], partition: string): Promise<Record<string, AttributeValue>[]> {
  const { Items = [] } = await env.servers.dynamo.send(new QueryCommand({
    TableName: env.table,
    IndexName: index.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey },
    ExpressionAttributeValues: { ':pk': { S: partition } },
  }));
  return Items;
}

describe('item shapes', () => {
  it('stores the sketch as Binary, 3/4 of its base64 text, in the document, member and root items (band items have none)', async () => {
    const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    const repost = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]), claimed: '2021-06', dominant: '2018-04' });
    await store.recordDocument(ref('original.html'), original);
    await store.recordDocument(ref('repost.html'), repost);

    const items = await rawItems(env.servers.dynamo);
    const withSketch = items.filter((item) => item.sketch !== undefined);
    const kinds = new Set(withSketch.map((item) => String((item.pk as { S: string }).S).split('#')[0] + (String((item.sk as { S: string }).S).startsWith('MEMBER#') ? ':member' : '')));
    expect([...kinds].sort()).toEqual(['CLUSTER', 'CLUSTER:member', 'DOC']);
    for (const item of withSketch) {
      expect(Object.keys(item.sketch as object)).toEqual(['B']);
      const bytes = (item.sketch as { B: Uint8Array }).B;
      expect(bytes.byteLength).toBe(Buffer.from(original.sketch, 'base64').byteLength);
    }
    // Read back as the core's text: the repost is compared with the original's stored sketch.
    expect((await store.getDocument(`${BUCKET}/original.html`))?.sketch).toBe(original.sketch);
    expect(await store.getDocument(`${BUCKET}/repost.html`)).toMatchObject({ clusterId: `${BUCKET}/original.html`, distance: 1 });
  });

  it('reads documents and band items written with the former shape (base64 sketch, clusterSk / hashSk) and clusters with them', async () => {
    const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    await store.recordDocument(ref('old.html'), original);
    // Rewrite its items as the store wrote them before issue 15: the sketch as text, the rank copied into clusterSk / hashSk.
    const db = DynamoDBDocumentClient.from(env.servers.dynamo);
    for (const item of await rawItems(env.servers.dynamo)) {
      const key = { pk: (item.pk as { S: string }).S, sk: (item.sk as { S: string }).S };
      const rank = (item.rank as { S: string } | undefined)?.S;
      const formerKeys = key.sk === 'DOC' ? ', clusterSk = :rank, hashSk = :rank' : '';
      await db.send(new UpdateCommand({ TableName: env.table, Key: key, UpdateExpression: `SET sketch = :sketch${formerKeys}`, ExpressionAttributeValues: { ':sketch': original.sketch, ...(formerKeys ? { ':rank': rank } : {}) } }));
    }
    expect((await rawItems(env.servers.dynamo)).every((item) => Object.keys(item.sketch as object)[0] === 'S')).toBe(true);

    const stored = await store.getDocument(`${BUCKET}/old.html`);
    expect(stored?.sketch).toBe(original.sketch);
    expect(stored).not.toHaveProperty('clusterSk');
    const repost = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]), dominant: '2018-04' });
    expect(await store.recordDocument(ref('new.html'), repost)).toMatchObject({ outcome: 'recorded', clusterId: `${BUCKET}/old.html`, isOriginal: false });
    expect((await store.documentsInCluster(`${BUCKET}/old.html`)).map((doc) => doc.docId)).toEqual([`${BUCKET}/old.html`, `${BUCKET}/new.html`]);
  });

  it('index entries hold only their projection; the store still answers with whole documents', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2021-06', dominant: '2018-04', dateMismatch: true });
    await store.recordDocument(ref('a.html'), page);
    await store.recordDocument(ref('b.html'), page);
    for (const index of Object.values(INDEXES)) {
      const Items = await indexEntries(index, index === INDEXES.byCluster ? `CLUSTER#${BUCKET}/a.html` : 'MISMATCH');
      expect(Items.length, index.indexName).toBe(2);
      const allowed = new Set(['pk', 'sk', index.partitionKey, index.sortKey, ...index.projection.attributes]);
      for (const entry of Items) expect(Object.keys(entry).filter((name) => !allowed.has(name)), index.indexName).toEqual([]);
    }
    const full = ['title', 'sketch', 'contentDates', 'firstSeen', 'status'];
    for (const docs of [await store.documentsInCluster(`${BUCKET}/a.html`), await store.exactDuplicates(`${BUCKET}/b.html`), await store.listMismatches()]) {
      expect(docs.map((doc) => doc.docId)).toEqual([`${BUCKET}/a.html`, `${BUCKET}/b.html`]);
      for (const doc of docs) for (const name of full) expect(doc, name).toHaveProperty(name);
    }
  });

  it('exact copies: a page alone is its only copy, then both, also when the copies arrive together; no index of their own', async () => {
    const copies = async (key: string) => (await store.exactDuplicates(`${BUCKET}/${key}`)).map((doc) => doc.docId).sort();
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE });
    await store.recordDocument(ref('alone.html'), page);
    expect(await copies('alone.html')).toEqual([`${BUCKET}/alone.html`]);
    await store.recordDocument(ref('copy.html'), page);
    expect(await copies('alone.html')).toEqual([`${BUCKET}/alone.html`, `${BUCKET}/copy.html`]);
    // A near-duplicate (other text) joins the cluster, not the exact copies.
    await store.recordDocument(ref('near.html'), makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]) }));
    expect(await copies('copy.html')).toEqual([`${BUCKET}/alone.html`, `${BUCKET}/copy.html`]);
    expect(await copies('near.html')).toEqual([`${BUCKET}/near.html`]);

    const other = makeAnalysis({ text: `${ARTICLE_A} A different ending changes the normalized text entirely here.`, simhash: flipBits(BASE, [40, 41, 42, 43, 44, 45, 46, 47]) });
    const keys = Array.from({ length: 6 }, (_, index) => `together-${index}.html`);
    await Promise.all(keys.map((key) => store.recordDocument(ref(key), other)));
    for (const key of keys) expect(await copies(key)).toEqual(keys.map((each) => `${BUCKET}/${each}`).sort());
    // The index of their own is gone (issue 15): no item carries its key.
    expect((await rawItems(env.servers.dynamo)).filter((item) => item.hashPk !== undefined)).toEqual([]);
  });

  it('byCluster: a page alone has no entry; its first copy brings the root record as the original\'s entry; every reader answers as before', async () => {
    const clusterEntries = async (clusterId: string) =>
      (await indexEntries(INDEXES.byCluster, `CLUSTER#${clusterId}`)).map((item) => `${item.sk?.S === 'CLUSTER' ? 'root' : 'doc'}:${item.docId?.S}`);
    const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    await store.recordDocument(ref('original.html'), original);
    const id = `${BUCKET}/original.html`;
    expect(await clusterEntries(id)).toEqual([]);
    expect((await store.documentsInCluster(id)).map((doc) => doc.docId)).toEqual([id]);

    const repost = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]), claimed: '2021-06', dominant: '2018-04' });
    await store.recordDocument(ref('repost.html'), repost);
    expect(await clusterEntries(id)).toEqual([`root:${id}`, `doc:${BUCKET}/repost.html`]);
    expect((await store.documentsInCluster(`${BUCKET}/repost.html`)).map((doc) => [doc.docId, doc.isOriginal])).toEqual([[id, true], [`${BUCKET}/repost.html`, false]]);

    // The report's two reads give every document exactly once.
    const reader = createDocumentReader({ client: env.servers.dynamo, tableName: env.table });
    await store.recordDocument(ref('alone.html'), makeAnalysis({ text: 'An unrelated text about the tides and the moon over a quiet harbour town.', simhash: flipBits(BASE, [0, 9, 18, 27, 36, 45, 54, 63]) }));
    const seen: string[] = [];
    for (const pages of [reader.recordedPages(), reader.unrecordedPages()]) for await (const page of pages) seen.push(...page.map((doc) => doc.docId));
    expect(seen.sort()).toEqual([`${BUCKET}/alone.html`, id, `${BUCKET}/repost.html`]);

    // An earlier page merges the cluster into its own: the merged root leaves byCluster, every member moves.
    const earlier = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [7]), claimed: '2018-04-01', dominant: '2018-04' });
    await store.recordDocument(ref('earlier.html'), earlier);
    expect(await clusterEntries(id)).toEqual([]);
    expect((await store.documentsInCluster(id)).map((doc) => doc.docId)).toEqual([`${BUCKET}/earlier.html`, id, `${BUCKET}/repost.html`]);
  });

  it('a new unique page costs 7 requests and 6 write units: a first read, 4 band items, 4 band Queries, its document last, and no index entry', async () => {
    const client = new DynamoDBClient({ endpoint: env.servers.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const sent: { command: string; units: number }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((total, entry) => total + (entry.CapacityUnits ?? 0), 0);
        sent.push({ command: context.commandName ?? '', units });
        return result;
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const metered = createStore({ client, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 }, indexLayout: 'bands4x16' });
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    expect(await metered.recordDocument(ref('unique.html'), page)).toMatchObject({ outcome: 'recorded', isOriginal: true });
    // The first read is eventually consistent (documents.ts recordDocument); the bands go before the document.
    expect(sent.map((request) => request.command)).toEqual(['GetItemCommand', 'BatchWriteItemCommand', 'QueryCommand', 'QueryCommand', 'QueryCommand', 'QueryCommand', 'PutItemCommand']);
    // Table units as dynalite reports them: the 4 band items 1 each, the document 2 (between 1 and 2 KB, as a real
    // page's); no index holds the page, so no index unit comes on top: 6 in all.
    expect(sent.filter((request) => request.command.startsWith('Put') || request.command.startsWith('BatchWrite')).map((request) => request.units)).toEqual([4, 2]);
    const stored = (await rawItems(env.servers.dynamo)).find((item) => (item.sk as { S: string }).S === 'DOC')!;
    for (const index of Object.values(INDEXES)) expect(stored[index.partitionKey], index.indexName).toBeUndefined();
    client.destroy();
  });

  it('typed document items: a stored value is never taken for another type unchecked', () => {
    const item = readDocumentItem({ pk: `DOC#${BUCKET}/k`, sk: 'DOC', docId: `${BUCKET}/k`, status: 'recorded', sequencerKey: '0A', size: 'large', title: 'T', sketch: new Uint8Array([1, 2, 3]) })!;
    // @ts-expect-error an attribute the type does not name is unknown: it must be checked before use
    const length: number = item.title;
    expect(length).toBe('T');
    expect(item.size).toBeUndefined(); // stored with another type than the item kind's: left out, not cast
    expect(item.sketch).toBe('AQID'); // the stored bytes, as the core's base64
    expect(() => readDocumentItem({ pk: 'DOC#x', sk: 'DOC', docId: 7, status: 'recorded', sequencerKey: '0' })).toThrow(TypeError);
  });

  it('an index answer leaves out a document that moved out of the partition after the entry was read', async () => {
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE });
    await store.recordDocument(ref('a.html'), page);
    await store.recordDocument(ref('b.html'), page);
    // b deleted by a writer that raced the reader: its document no longer carries the index key the entry had.
    const db = DynamoDBDocumentClient.from(env.servers.dynamo);
    await db.send(new PutCommand({ TableName: env.table, Item: { pk: `DOC#${BUCKET}/b.html`, sk: 'DOC', docId: `${BUCKET}/b.html`, status: 'deleted', firstSeen: 'x' } }));
    expect((await store.exactDuplicates(`${BUCKET}/a.html`)).map((doc) => doc.docId)).toEqual([`${BUCKET}/a.html`]);
  });
});
