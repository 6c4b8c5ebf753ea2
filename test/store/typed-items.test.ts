/**
 * Typed items (issue 15): each item kind's TypeScript type, checking reader and writer are derived from schema.ts
 * ITEM_KINDS. The `@ts-expect-error` lines are checked by `npm run typecheck`: each one fails the type-check if its
 * line compiles. The round trips put every kind with its writer into the local DynamoDB and read it back.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INDEX_LAYOUT } from '../../functions/store/index-layout.ts';
import {
  bandItemsFor,
  captureItemFor,
  clusterRootItemFor,
  documentItemFor,
  joinHintAdding,
  memberItemFor,
  objectItemFor,
  readBandItem,
  readCaptureItem,
  readClusterRootItem,
  readDocumentItem,
  readJoinHint,
  readIndexEntry,
  readMemberItem,
  readObjectItem,
  readRecordItem,
  readSkippedItem,
  recordItemFor,
  skippedItemFor,
  updateSetting,
  type ItemInput,
} from '../../functions/store/items.ts';
import { clusterPartition, documentKey, keyOf, partitionKeyOf, type ItemKey } from '../../functions/store/keys.ts';
import { INDEXES, ITEM_KINDS, type ItemKindName } from '../../functions/store/schema.ts';
import { datingOfItem } from '../../functions/store/verdicts.ts';
import { useFreshTables } from '../support/table-fixture.ts';

const SKETCH = Buffer.from([1, 2, 3, 250]).toString('base64');
const DOC_ID = 'raw-pages/a.html';

const recordedPage: ItemInput<'document'> = {
  docId: DOC_ID,
  status: 'recorded',
  sequencerKey: '0'.repeat(39) + '1',
  bucket: 'raw-pages',
  key: 'a.html',
  firstSeen: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  title: null,
  simhash: '3c5a9f00e1b2d4c6',
  contentHash: 'c'.repeat(64),
  sketch: SKETCH,
  fingerprintVersion: 3,
  claimedDate: { value: '2021-05-04', precision: 'day', source: 'meta' },
  mismatchKinds: ['content'],
  dateMismatch: true,
  rank: '2021-05-04#2024-01-01T00:00:00.000Z#raw-pages/a.html',
  clusterId: DOC_ID,
  mismatchPk: 'MISMATCH',
  mismatchSk: `2024-01-01T00:00:00.000Z#${DOC_ID}`,
};

describe('typed items: types', () => {
  it('an attribute reads as its declared type; one the kind does not declare types as nothing', () => {
    const band = readBandItem({ docId: DOC_ID, simhash: 'ff', a: 1 });
    // @ts-expect-error a band item declares no attribute `a`
    const undeclared: number = band.a;
    expect(undeclared).toBeUndefined(); // and its reader leaves it out
    // @ts-expect-error docId is a string
    const docId: number = band.docId;
    expect(docId).toBe(DOC_ID);
    // @ts-expect-error fingerprintVersion may be absent (version 1, from before versions)
    const version: number = band.fingerprintVersion;
    expect(version).toBeUndefined();

    const document = readDocumentItem({ ...recordedPage, a: 1 })!;
    // @ts-expect-error the document kind keeps attributes it does not declare, as unknown: checked before use
    const kept: number = document.a;
    expect(kept).toBe(1);
    // @ts-expect-error status is one of three strings
    const status: 'recorded' | 'rejected' = document.status;
    expect(status).toBe('recorded');
  });

  it('a writer takes only its kind\'s attributes, of their types, the required ones all there', () => {
    const band = { docId: DOC_ID, simhash: recordedPage.simhash!, fingerprintVersion: 3 };
    expect(bandItemsFor(band, DEFAULT_INDEX_LAYOUT)).toHaveLength(4);
    // @ts-expect-error simhash is required (the band keys are made of it)
    expect(() => bandItemsFor({ docId: DOC_ID, fingerprintVersion: 3 }, DEFAULT_INDEX_LAYOUT)).toThrow(RangeError);
    // @ts-expect-error a band item has no title
    bandItemsFor({ ...band, title: 'T' }, DEFAULT_INDEX_LAYOUT);
    // @ts-expect-error fingerprintVersion is a number
    bandItemsFor({ ...band, fingerprintVersion: '3' }, DEFAULT_INDEX_LAYOUT);
    // @ts-expect-error a document is always written with its firstSeen (optional only when read: older items)
    documentItemFor({ docId: DOC_ID, status: 'rejected', sequencerKey: '0', bucket: 'b', key: 'k', updatedAt: 'now' });
    // @ts-expect-error the document's status is one of three
    documentItemFor({ ...recordedPage, status: 'gone' });
    // @ts-expect-error a band item is in no index
    bandItemsFor({ ...band, clusterPk: 'CLUSTER#x' }, DEFAULT_INDEX_LAYOUT);
  });

  it('datingOfItem takes the dating attributes of a document, typed, and checks the claim inside', () => {
    expect(datingOfItem(recordedPage)).toEqual({ claimed: { value: '2021-05-04', precision: 'day', source: 'meta' }, contentMismatch: true, firstSeen: recordedPage.firstSeen });
    expect(datingOfItem(readDocumentItem(documentItemFor(recordedPage))!)).toEqual(datingOfItem(recordedPage));
    // @ts-expect-error a claimed date is a map
    expect(() => datingOfItem({ claimedDate: '2021' })).toThrow(TypeError);
    // @ts-expect-error firstSeen is a string
    datingOfItem({ firstSeen: 5 });
    expect(() => datingOfItem({ claimedDate: { value: '2021', precision: 'fortnight', source: 'meta' } })).toThrow(TypeError);
  });
});

describe('typed items: readers', () => {
  it('check what the kind declares: a required attribute missing or of another type throws, an optional one of another type is left out', () => {
    expect(() => readBandItem({ docId: DOC_ID, sketch: SKETCH })).toThrow(/not a band item: simhash is undefined/);
    expect(() => readClusterRootItem({ clusterId: 'c', docId: 'c', rank: 'r', simhash: 'ff', sketch: 7 })).toThrow(/not a cluster root item: sketch is number/);
    expect(() => readDocumentItem({ docId: DOC_ID, status: 'archived', sequencerKey: '0' })).toThrow(TypeError);
    expect(readMemberItem({ docId: DOC_ID, simhash: 'ff', sketch: SKETCH, dating: 5 })).toEqual({ docId: DOC_ID, simhash: 'ff', sketch: SKETCH });
    // Nested maps are checked as strictly as items.
    expect(() => readClusterRootItem({ clusterId: 'c', docId: 'c', rank: 'r', simhash: 'ff', sketch: SKETCH, reference: 'x' })).toThrow(TypeError);
    expect(() => readObjectItem({ status: 'recorded', sequencerKey: '0', ranges: { 0: { r: 1 } } })).toThrow(/d is undefined/);
  });

  it('read items of the shapes written before as they were read', () => {
    // A band with its sketch as base64 text (before Binary) and rank, no fingerprintVersion (version 1); no dating, no recordId attribute, no ranges.
    expect(readBandItem({ docId: DOC_ID, simhash: 'ff', sketch: SKETCH, rank: 'r' })).toEqual({ docId: DOC_ID, simhash: 'ff', sketch: SKETCH, rank: 'r' });
    expect(readMemberItem({ docId: DOC_ID, simhash: 'ff', sketch: SKETCH })).toEqual({ docId: DOC_ID, simhash: 'ff', sketch: SKETCH });
    expect(readRecordItem({ docId: DOC_ID }, '@720')).toEqual({ recordId: '@720', docId: DOC_ID });
    expect(readObjectItem({ status: 'recorded', sequencerKey: '0' })).toEqual({ status: 'recorded', sequencerKey: '0', ranges: {} });
    expect(readSkippedItem({ recordId: '@0', reason: 'request', url: '' })).toEqual({ recordId: '@0', reason: 'request' });
    const document = readDocumentItem({ pk: 'DOC#x', sk: 'DOC', docId: 'x', status: 'deleted', sequencerKey: '0', clusterSk: 'old', sketch: new Uint8Array([1, 2, 3]) })!;
    expect(document).toEqual({ pk: 'DOC#x', sk: 'DOC', docId: 'x', status: 'deleted', sequencerKey: '0', clusterSk: 'old', sketch: 'AQID' });
  });

  it('read an index entry as the document attributes its index projects', () => {
    const entry = readIndexEntry(INDEXES.mismatches, { pk: 'DOC#x', sk: 'DOC', docId: 'x', mismatchPk: 'MISMATCH', mismatchSk: 's', mismatchKinds: ['content'], title: 'not projected' });
    expect(entry).toEqual({ pk: 'DOC#x', sk: 'DOC', docId: 'x', mismatchPk: 'MISMATCH', mismatchSk: 's', mismatchKinds: ['content'] });
    // @ts-expect-error the mismatches index does not project the title
    void entry.title;
    expect(() => readIndexEntry(INDEXES.byCluster, { pk: 'DOC#x', sk: 'DOC', clusterPk: 'CLUSTER#c' })).toThrow(/docId is undefined/);
  });
});

describe('typed items: every kind put by its writer reads back as written', () => {
  const env = useFreshTables('typed');
  let db: DynamoDBDocumentClient;
  beforeAll(() => {
    db = DynamoDBDocumentClient.from(env.servers.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  });
  afterAll(() => db?.destroy());

  async function put(item: ItemKey & Record<string, unknown>): Promise<Record<string, unknown>> {
    await db.send(new PutCommand({ TableName: env.table, Item: item }));
    return get(keyOf(item));
  }
  async function get(key: ItemKey): Promise<Record<string, unknown>> {
    const { Item } = await db.send(new GetCommand({ TableName: env.table, Key: key, ConsistentRead: true }));
    if (!Item) throw new Error(`nothing stored under ${JSON.stringify(key)}`);
    return Item;
  }
  /** Written by an UpdateItem of its attributes (member log items and object items are). */
  async function update(item: ItemKey & Record<string, unknown>): Promise<Record<string, unknown>> {
    await db.send(new UpdateCommand({ TableName: env.table, ...updateSetting(item) }));
    return get(keyOf(item));
  }

  const roundTrips: Record<ItemKindName, () => Promise<void>> = {
    async document() {
      const stored = await put(documentItemFor(recordedPage));
      expect(stored.sketch).toBeInstanceOf(Uint8Array); // compact: Binary in the table
      expect(readDocumentItem(stored)).toEqual({ ...recordedPage, ...keyOf(stored) });
    },
    async joinHint() {
      // As clusters.ts hintPending writes it: an UpdateItem at a key with no document, one per hinting page.
      const hinted = `${DOC_ID}-hinted`;
      for (const hinter of ['raw-pages/a', 'raw-pages/b']) await db.send(new UpdateCommand({ TableName: env.table, ...joinHintAdding(hinted, hinter) }));
      const stored = await get(documentKey(hinted));
      expect(readJoinHint(stored)).toEqual({ hintedBy: ['raw-pages/a', 'raw-pages/b'], hintCount: 2 });
      expect(readDocumentItem(stored)).toBeUndefined(); // every reader takes it for no document
    },
    async band() {
      const band = { docId: DOC_ID, simhash: recordedPage.simhash!, fingerprintVersion: 3 };
      const items = bandItemsFor(band, DEFAULT_INDEX_LAYOUT);
      for (const item of items) expect(readBandItem(await put(item))).toEqual(band);
      expect(new Set(items.map(partitionKeyOf)).size).toBe(4);
    },
    async member() {
      const member = { docId: DOC_ID, simhash: 'ff', sketch: SKETCH, dating: '-|0|2024' };
      expect(readMemberItem(await update(memberItemFor('raw-pages/b.html', member)))).toEqual(member);
    },
    async clusterRoot() {
      const root = { clusterId: DOC_ID, docId: DOC_ID, rank: 'r', simhash: 'ff', sketch: SKETCH, dating: '-|0|2024', reference: { docId: 'd', rank: 'r2' }, referenceVersion: 1 };
      const stored = await put(clusterRootItemFor(root));
      // Its original's byCluster entry (by its rank).
      expect(stored[INDEXES.byCluster.partitionKey]).toBe(clusterPartition(DOC_ID));
      expect(readClusterRootItem(stored)).toEqual({ ...root, [INDEXES.byCluster.partitionKey]: clusterPartition(DOC_ID) });
    },
    async object() {
      const object = {
        status: 'recorded',
        sequencerKey: '01',
        bucket: 'raw-pages',
        key: 'crawl.warc.gz',
        sequencer: null,
        ranges: { 0: { r: 2, d: false, c: { offset: 1024, skip: 1 } }, 1: { r: 5, d: true, u: 1 } },
        rangesTotal: 2,
        finished: true as const,
      };
      expect(readObjectItem(await update(objectItemFor('raw-pages', 'crawl.warc.gz', object)))).toEqual(object);
      // Claimed again by a newer version (objects.ts beginObject): what it sets replaced, `finished` removed.
      const { finished: _, ...claimed } = { ...object, sequencerKey: '02', ranges: { 0: { r: 0, d: false } }, rangesTotal: 1 };
      const reclaim = updateSetting(objectItemFor('raw-pages', 'crawl.warc.gz', claimed), ['finished']);
      await db.send(new UpdateCommand({ TableName: env.table, ...reclaim }));
      expect(readObjectItem(await get(reclaim.Key))).toEqual(claimed);
    },
    async record() {
      const record = { recordId: '@720', docId: `${DOC_ID}#@720`, sequencerKey: '01' };
      expect(readRecordItem(await put(recordItemFor('raw-pages', 'crawl.warc.gz', record)), 'unused')).toEqual(record);
    },
    async skipped() {
      const skipped = { recordId: '@0', reason: 'warcinfo', url: 'https://example.org/', sequencerKey: '01' };
      expect(readSkippedItem(await put(skippedItemFor('raw-pages', 'crawl.warc.gz', skipped)))).toEqual(skipped);
    },
    async capture() {
      const capture = { docId: `${DOC_ID}#@720`, url: 'https://example.org/a', captureDate: '2024-01-01T00:00:00Z' };
      expect(readCaptureItem(await put(captureItemFor(capture)))).toEqual(capture);
    },
  };

  it('covers every kind schema.ts declares', () => {
    expect(Object.keys(roundTrips).sort()).toEqual(Object.keys(ITEM_KINDS).sort());
  });

  for (const [kind, roundTrip] of Object.entries(roundTrips)) it(kind, roundTrip);
});
