import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, ensureTable, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, ARTICLE_B, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BASE = '3c5a9f00e1b2d4c6';
const BUCKET = 'raw-pages';
const env = useFreshTables();
let store: Store;

beforeEach(async () => {
  // Thresholds fixed here so the Hamming-space layout below means the same whatever the core's defaults become.
  store = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 } });
});

let sequence = 0x100;
function ref(key: string, overrides: Partial<ObjectRef> = {}): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${key}`, size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString(), ...overrides };
}

async function scanTable(): Promise<Record<string, unknown>[]> {
  const db = DynamoDBDocumentClient.from(env.servers.dynamo);
  const { Items = [] } = await db.send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('store on dynalite', () => {
  it('ensureTable is idempotent', async () => {
    await expect(ensureTable(env.servers.dynamo, env.table)).resolves.toBeUndefined();
  });

  it('clusters near-duplicates under the earliest-dated original and leaves unrelated pages alone', async () => {
    const repost = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [5]), claimed: '2021-06', dominant: '2018-04', dateMismatch: true });
    const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' });
    const unrelated = makeAnalysis({ text: ARTICLE_B, simhash: flipBits(BASE, [1, 20, 40, 60]) });

    // The repost arrives first: the original, seen later, still wins by its date.
    expect(await store.recordDocument(ref('repost.html'), repost)).toMatchObject({ outcome: 'recorded', isOriginal: true });
    const recorded = await store.recordDocument(ref('original.html'), original);
    expect(recorded).toMatchObject({ outcome: 'recorded', clusterId: `${BUCKET}/original.html`, isOriginal: true });
    expect(await store.recordDocument(ref('other.html'), unrelated)).toMatchObject({ outcome: 'recorded', isOriginal: true });

    const members = await store.documentsInCluster(`${BUCKET}/repost.html`); // follows the merge redirect
    expect(members.map((doc) => doc.docId)).toEqual([`${BUCKET}/original.html`, `${BUCKET}/repost.html`]);
    const copy = await store.getDocument(`${BUCKET}/repost.html`);
    expect(copy).toMatchObject({ clusterId: `${BUCKET}/original.html`, isOriginal: false, duplicateOf: `${BUCKET}/original.html`, distance: 1, dateMismatch: true });
    expect(copy?.similarity).toBeGreaterThan(0.5);
    expect(await store.getDocument(`${BUCKET}/other.html`)).toMatchObject({ clusterId: `${BUCKET}/other.html`, isOriginal: true });
    expect((await store.listMismatches()).map((doc) => doc.docId)).toEqual([`${BUCKET}/repost.html`]);
  });

  it('a page near two separate clusters merges them transitively into the earliest', async () => {
    const left = makeAnalysis({ text: ARTICLE_A, simhash: BASE, dominant: '2020' });
    const right = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [0, 1, 2, 16, 17, 18]), dominant: '2019-03' });
    const bridge = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [0, 1, 2]), dominant: '2021' });
    await store.recordDocument(ref('left'), left);
    await store.recordDocument(ref('right'), right);
    expect((await store.getDocument(`${BUCKET}/left`))?.clusterId).toBe(`${BUCKET}/left`); // 6 bits apart: not candidates
    await store.recordDocument(ref('bridge'), bridge);
    for (const key of ['left', 'right', 'bridge']) expect((await store.getDocument(`${BUCKET}/${key}`))?.clusterId).toBe(`${BUCKET}/right`);
    expect((await store.documentsInCluster(`${BUCKET}/left`)).map((doc) => doc.key)).toEqual(['right', 'left', 'bridge']);
  });

  it('finds exact duplicates of a page (same content hash)', async () => {
    const analysis = makeAnalysis({ text: ARTICLE_B, simhash: BASE });
    await store.recordDocument(ref('copy-1'), analysis);
    await store.recordDocument(ref('copy-2'), analysis);
    const copies = await store.exactDuplicates(`${BUCKET}/copy-2`);
    expect(copies.map((doc) => doc.key)).toEqual(['copy-1', 'copy-2']);
    expect(copies[1]).toMatchObject({ duplicateOf: `${BUCKET}/copy-1`, distance: 0, similarity: 1 });
  });

  it('redelivery and identical re-upload change nothing; an older event is ignored', async () => {
    const first = ref('page');
    await store.recordDocument(first, makeAnalysis({ text: ARTICLE_A, simhash: BASE }));
    await store.recordDocument(ref('near'), makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [9]) }));
    const before = await scanTable();
    for (let i = 0; i < 3; i++) expect((await store.recordDocument(first, makeAnalysis({ text: ARTICLE_A, simhash: BASE }))).outcome).toBe('unchanged');
    expect(await scanTable()).toEqual(before);

    const older = { ...first, sequencer: '0F' }; // shorter hex: compared after left-padding
    expect((await store.recordDocument(older, makeAnalysis({ text: ARTICLE_B }))).outcome).toBe('stale');
    expect((await store.markDeleted(older)).outcome).toBe('stale');
    expect(await scanTable()).toEqual(before);

    const reupload = ref('page', { eTag: 'etag-page', versionId: 'v2' });
    expect((await store.recordDocument(reupload, makeAnalysis({ text: ARTICLE_A, simhash: BASE }))).outcome).toBe('unchanged');
    expect(await store.getDocument(`${BUCKET}/page`)).toMatchObject({ versionId: 'v2', sequencer: reupload.sequencer, clusterId: `${BUCKET}/page` });
  });

  it('an overwrite re-fingerprints; orphan band items never create ghost duplicates', async () => {
    await store.recordDocument(ref('page'), makeAnalysis({ text: ARTICLE_A, simhash: BASE }));
    await store.recordDocument(ref('page'), makeAnalysis({ text: ARTICLE_B, simhash: flipBits(BASE, [0, 16, 32, 48]) }));
    const overwritten = await store.getDocument(`${BUCKET}/page`);
    expect(overwritten).toMatchObject({ simhash: flipBits(BASE, [0, 16, 32, 48]), status: 'recorded' });
    expect(await store.findCandidates({ simhash: BASE, sketch: makeAnalysis({ text: ARTICLE_A }).sketch })).toEqual([]); // old bands removed

    // A band item whose document does not match it (e.g. a crash between writes) is a candidate but never a duplicate.
    const db = DynamoDBDocumentClient.from(env.servers.dynamo);
    const ghostSketch = makeAnalysis({ text: ARTICLE_A }).sketch;
    await db.send(new PutCommand({ TableName: env.table, Item: { pk: `BAND#0#${BASE.slice(0, 4)}`, sk: `${BUCKET}/page`, docId: `${BUCKET}/page`, simhash: BASE, sketch: ghostSketch, rank: '0000' } }));
    await db.send(new PutCommand({ TableName: env.table, Item: { pk: `BAND#0#${BASE.slice(0, 4)}`, sk: `${BUCKET}/never-written`, docId: `${BUCKET}/never-written`, simhash: BASE, sketch: ghostSketch, rank: '0000' } }));
    const fresh = await store.recordDocument(ref('fresh'), makeAnalysis({ text: ARTICLE_A, simhash: BASE }));
    expect(fresh).toMatchObject({ outcome: 'recorded', clusterId: `${BUCKET}/fresh`, isOriginal: true });
  });

  it('ObjectRemoved marks the document deleted, takes it out of the indexes, and its bands stop matching', async () => {
    const analysis = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2021', dominant: '2018', dateMismatch: true });
    await store.recordDocument(ref('gone'), analysis);
    const removal = ref('gone');
    expect((await store.markDeleted(removal)).outcome).toBe('deleted');
    expect((await store.markDeleted(removal)).outcome).toBe('deleted'); // redelivery
    expect(await store.getDocument(`${BUCKET}/gone`)).toMatchObject({ status: 'deleted', sequencer: removal.sequencer });
    expect(await store.listMismatches()).toEqual([]);
    expect(await store.exactDuplicates(`${BUCKET}/gone`)).toEqual([]);
    const later = await store.recordDocument(ref('later'), makeAnalysis({ text: ARTICLE_A, simhash: BASE }));
    expect(later).toMatchObject({ clusterId: `${BUCKET}/later`, isOriginal: true });
    // A create older than the delete (out-of-order delivery) stays ignored.
    expect((await store.recordDocument({ ...removal, sequencer: '01' }, analysis)).outcome).toBe('stale');
  });

  it('records a rejected input with its reason, outside every index', async () => {
    const outcome = await store.recordRejected(ref('empty.txt'), { code: 'empty', message: 'the object is empty (0 bytes)' });
    expect(outcome).toEqual({ docId: `${BUCKET}/empty.txt`, outcome: 'rejected', reasonCode: 'empty' });
    expect(await store.getDocument(`${BUCKET}/empty.txt`)).toMatchObject({ status: 'rejected', reasonCode: 'empty', reason: 'the object is empty (0 bytes)' });
  });
});
