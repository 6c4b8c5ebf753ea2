/**
 * DynamoDB's 400 KB item limit: every stored value that comes from the input is bounded (functions/store/limits.ts),
 * and the local DynamoDB refuses what AWS refuses (local/dynamo-limits.ts), so these tests fail where AWS would.
 */
import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { assert, beforeEach, describe, expect, it } from 'vitest';
import { createStore, recordDocumentId, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { captureKey, utf8Bytes } from '../../functions/store/keys.ts';
import { DYNAMODB_MAX_ITEM_BYTES, fitItem, itemSizeBytes, VALUE_LIMITS } from '../../functions/store/limits.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, ARTICLE_B, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const BASE = '5b1e0c7a93d2f846';
const KB = 1024;
const env = useFreshTables('limits');
let store: Store;
let db: DynamoDBDocumentClient;

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
  db = DynamoDBDocumentClient.from(env.servers.dynamo);
});

let sequence = 0x500;
function ref(key: string, overrides: Partial<ObjectRef> = {}): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${sequence}`, size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString(), ...overrides };
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
/** `bytes` UTF-8 bytes of 3-byte characters: about a third as many UTF-16 units, so only a byte count catches it. */
const multibyte = (bytes: number): string => '東'.repeat(Math.ceil(bytes / 3));

describe('the local DynamoDB refuses what AWS refuses', () => {
  const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: env.table, Item: item }));

  it('an item over 400 KB in UTF-8 is refused even when it is under 400 K UTF-16 units (dynalite alone accepts it)', async () => {
    const value = multibyte(450 * KB);
    expect(value.length).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    await expect(put({ pk: 'DOC#big', sk: 'DOC', title: value })).rejects.toMatchObject({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' });
    await expect(put({ pk: 'DOC#fits', sk: 'DOC', title: multibyte(390 * KB) })).resolves.toBeDefined();
  });

  it('sort keys and GSI sort keys are limited to 1,024 UTF-8 bytes, partition keys to 2,048', async () => {
    const sortKeyOf = (bytes: number) => `${'é'.repeat((bytes - (bytes % 2)) / 2)}${bytes % 2 ? 'a' : ''}`;
    await expect(put({ pk: 'a', sk: sortKeyOf(1024) })).resolves.toBeDefined();
    await expect(put({ pk: 'a', sk: sortKeyOf(1025) })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('1024 bytes') });
    await expect(put({ pk: multibyte(2049), sk: 'DOC' })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('2048 bytes') });
    await expect(put({ pk: 'a', sk: 'b', clusterPk: 'CLUSTER#x', rank: sortKeyOf(1025) })).rejects.toMatchObject({ message: expect.stringContaining('index byCluster') });
    await expect(
      db.send(new UpdateCommand({ TableName: env.table, Key: { pk: 'a', sk: 'b' }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'mismatchSk' }, ExpressionAttributeValues: { ':s': sortKeyOf(1025) } })),
    ).rejects.toMatchObject({ message: expect.stringContaining('index mismatches') });
  });
});

describe('fitItem', () => {
  it('measures items as DynamoDB does: UTF-8 names and values', () => {
    expect(itemSizeBytes({ pk: 'DOC#a', é: 'ab', n: null, flag: true })).toBe(2 + 5 + 2 + 2 + 1 + 1 + 4 + 1);
    expect(itemSizeBytes({ m: { a: 'xy' }, l: ['x'] })).toBe(1 + (3 + 1 + 1 + 2) + 1 + (3 + 1 + 1));
  });

  it('cuts each bounded value at whole characters, keeping the full value\'s size and SHA-256', () => {
    const title = `${'é'.repeat(2000)}tail`;
    const evidence = 'x'.repeat(5000);
    const fitted = fitItem({ pk: 'DOC#a', sk: 'DOC', title, claimedDate: { value: '2021', precision: 'year', source: 'meta', evidence } });
    assert(typeof fitted.title === 'string', 'the title is kept, cut');
    expect(utf8Bytes(fitted.title)).toBeLessThanOrEqual(VALUE_LIMITS.title!);
    expect(title.startsWith(fitted.title)).toBe(true);
    expect(fitted.truncated).toEqual({
      title: { bytes: utf8Bytes(title), sha256: sha256(title) },
      'claimedDate.evidence': { bytes: 5000, sha256: sha256(evidence) },
    });
    expect(fitted.claimedDate).toMatchObject({ value: '2021', source: 'meta', evidence: 'x'.repeat(VALUE_LIMITS['claimedDate.evidence']!) });
  });

  it('leaves out optional attributes, largest first, when the bounded item is still over the budget', () => {
    const item = { pk: 'DOC#a', sk: 'DOC', status: 'recorded', simhash: BASE, title: 't'.repeat(1500), canonicalUrl: 'u'.repeat(3000), url: 'v'.repeat(100) };
    const fitted = fitItem(item, 2000);
    expect(itemSizeBytes(fitted)).toBeLessThanOrEqual(2000);
    expect(fitted).toMatchObject({ pk: 'DOC#a', status: 'recorded', simhash: BASE, title: item.title, url: item.url });
    expect(fitted.canonicalUrl).toBeUndefined();
    expect(fitted.truncated).toEqual({ canonicalUrl: { bytes: 3000, sha256: sha256(item.canonicalUrl), dropped: true } });
  });

  it('returns a fitting item as it is, with no truncated note', () => {
    const item = { pk: 'DOC#a', sk: 'DOC', title: 'Short' };
    expect(fitItem(item)).toEqual(item);
  });
});

describe('hostile values end recorded, bounded, on the local DynamoDB', () => {
  it('a 450 KB title and a 420 KB canonical URL: recorded and clustered, cut with their hashes', async () => {
    const title = `Headline ${'T'.repeat(450 * KB)}`;
    const canonicalUrl = `https://example.org/${'p'.repeat(420 * KB)}`;
    const analysis = { ...makeAnalysis({ text: ARTICLE_A, simhash: BASE }), title, canonicalUrl };
    expect(await store.recordDocument(ref('huge-title.html'), analysis)).toMatchObject({ outcome: 'recorded', isOriginal: true });
    const repost = { ...makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [3]) }), title };
    expect(await store.recordDocument(ref('repost.html'), repost)).toMatchObject({ outcome: 'recorded', duplicateOf: `${BUCKET}/huge-title.html` });

    const stored = await store.getDocument(`${BUCKET}/huge-title.html`);
    expect(stored).toMatchObject({ status: 'recorded', simhash: BASE, truncated: { title: { bytes: utf8Bytes(title), sha256: sha256(title) }, canonicalUrl: { bytes: utf8Bytes(canonicalUrl), sha256: sha256(canonicalUrl) } } });
    expect(utf8Bytes(stored!.title!)).toBe(VALUE_LIMITS.title);
    expect(utf8Bytes(stored!.canonicalUrl!)).toBe(VALUE_LIMITS.canonicalUrl);
  });

  it('a record with a 300 KB URL (WARC-Target-URI) and a 250 KB JSONL url: record, capture and document all written', async () => {
    for (const [key, recordId, bytes] of [['crawl.warc', '@0', 300 * KB], ['scrape.jsonl', 'L1', 250 * KB]] as const) {
      const url = `https://example.org/${multibyte(bytes)}`;
      const record = { ...ref(key), recordId, docId: recordDocumentId(BUCKET, key, recordId), url, captureDate: '2024-03-01T10:00:00Z' };
      expect(await store.beginObject(record)).toBe('new');
      await store.addRecord(record, true);
      const analysis = { ...makeAnalysis({ text: ARTICLE_B, simhash: flipBits(BASE, [10, 30, 50, 60]) }), canonicalUrl: url };
      expect(await store.recordDocument(record, analysis)).toMatchObject({ outcome: 'recorded' });
      const stored = await store.getDocument(record.docId);
      expect(stored?.truncated).toMatchObject({ url: { bytes: utf8Bytes(url), sha256: sha256(url) }, canonicalUrl: { sha256: sha256(url) } });
      // The capture item is keyed by the full URL's hash and holds the bounded URL.
      const capture = await db.send(new GetCommand({ TableName: env.table, Key: captureKey(url, record.captureDate), ConsistentRead: true }));
      expect(capture.Item).toMatchObject({ docId: record.docId, truncated: { url: { sha256: sha256(url) } } });
      expect(utf8Bytes(capture.Item!.url as string)).toBeLessThanOrEqual(VALUE_LIMITS.url!);
    }
  });

  it('a rejection whose message quotes 300 KB of input, and a revisit whose target URI is 300 KB', async () => {
    const message = `undecodable charset label "${'x'.repeat(300 * KB)}"`;
    expect(await store.recordRejected(ref('odd-charset.html'), { code: 'unknown-encoding', message })).toMatchObject({ outcome: 'rejected' });
    const rejected = await store.getDocument(`${BUCKET}/odd-charset.html`);
    expect(rejected).toMatchObject({ status: 'rejected', reasonCode: 'unknown-encoding', truncated: { reason: { sha256: sha256(message) } } });

    const uri = `https://example.org/${'r'.repeat(300 * KB)}`;
    const revisit = { ...ref('revisits.warc'), recordId: '@9', docId: recordDocumentId(BUCKET, 'revisits.warc', '@9'), url: uri };
    expect(await store.recordRevisit(revisit, { uri, date: '2024-01-01T00:00:00Z' })).toMatchObject({ outcome: 'revisit', revisitOf: null });
    expect((await store.getDocument(revisit.docId))?.truncated).toMatchObject({ url: { sha256: sha256(uri) }, canonicalUrl: { sha256: sha256(uri) }, 'refersTo.uri': { sha256: sha256(uri) } });
  });

  it('a store with a small item budget records the page with less rather than failing it', async () => {
    const tight = createStore({ client: env.servers.dynamo, tableName: env.table, limits: { maxItemBytes: 4 * KB } });
    const analysis = { ...makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [1, 2, 40, 41]) }), title: 'T'.repeat(2000), canonicalUrl: `https://example.org/${'c'.repeat(8000)}` };
    expect(await tight.recordDocument(ref('tight.html'), analysis)).toMatchObject({ outcome: 'recorded' });
    const stored = await tight.getDocument(`${BUCKET}/tight.html`);
    expect(stored).toMatchObject({ status: 'recorded', simhash: analysis.simhash, truncated: { canonicalUrl: { dropped: true } } });
    expect(stored?.canonicalUrl).toBeUndefined();
  });
});
