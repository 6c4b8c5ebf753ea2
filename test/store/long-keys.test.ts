/**
 * Keys of S3 objects up to the S3 maximum (1,024 bytes of UTF-8) within DynamoDB's key limits: partition keys
 * <= 2,048 bytes, sort keys (and GSI sort-key attributes) <= 1,024. dynalite alone does not enforce index key sizes
 * (the local stack's guard, local/dynamo-limits.ts, now does), and these tests measure every key themselves too:
 * first as built by keys.ts, then as written by the store on dynalite.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, documentIdFor, recordDocumentId, type ObjectRef } from '../../functions/store/index.ts';
import {
  bandKeys,
  captureKey,
  clusterKey,
  documentKey,
  KEY_LIMITS,
  memberKey,
  mismatchSortKey,
  objectKey,
  rankOf,
  recordKey,
  revisitRank,
  sortKey,
  utf8Bytes,
} from '../../functions/store/keys.ts';
import { INDEXES, TABLE_KEYS } from '../../functions/store/schema.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { ARTICLE_A, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
/** The longest bucket name S3 allows (63 characters). */
const LONGEST_BUCKET = `b${'x'.repeat(61)}b`;
/** Record ids are `@<byte offset>` (WARC) or `L<line>` (JSONL): the largest offset a JS number holds exactly. */
const LONGEST_RECORD_ID = `@${Number.MAX_SAFE_INTEGER}`;
const BASE = '6a3f0c915be27d48';

/** A key of exactly `bytes` UTF-8 bytes of 1-, 2-, 3- and 4-byte characters, `shift` ASCII characters in front. */
function utf8Key(bytes: number, prefix: string, shift = 0): string {
  const pattern = ['é', '中', '😀', 'a', '/', 'ß', '文', '🌊'];
  let key = `${prefix}${'s'.repeat(shift)}`;
  for (let i = 0; utf8Bytes(key) + utf8Bytes(pattern[i % pattern.length] as string) <= bytes - 4; i++) key += pattern[i % pattern.length];
  return key + 'z'.repeat(bytes - utf8Bytes(key));
}

const wellFormed = (value: string): boolean => Buffer.from(value, 'utf8').toString('utf8') === value;

describe('keys of a 1,024-byte UTF-8 S3 key stay within DynamoDB limits', () => {
  it('builds every key kind for the longest docId within 2,048 (partition) / 1,024 (sort) bytes', () => {
    const key = utf8Key(1024, 'news/');
    expect(utf8Bytes(key)).toBe(1024);
    expect(key.length).toBeLessThan(1024); // multi-byte characters do occur
    const docId = recordDocumentId(LONGEST_BUCKET, key, LONGEST_RECORD_ID);
    const analysis = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2021-06', dominant: '2018-04', dateMismatch: true });
    const firstSeen = '2024-05-06T07:08:09.123Z';
    const rank = rankOf(analysis, firstSeen, docId);
    const longUrl = `https://example.org/${'p'.repeat(3000)}`;
    const partitionKeys = {
      document: documentKey(docId).pk,
      cluster: clusterKey(docId).pk,
      member: memberKey(docId, docId).pk,
      object: objectKey(LONGEST_BUCKET, key).pk,
      record: recordKey(LONGEST_BUCKET, key, LONGEST_RECORD_ID).pk,
      capture: captureKey(longUrl, 'x').pk,
    };
    const sortKeys = {
      band: bandKeys(BASE, docId).map((band) => band.sk),
      member: memberKey(docId, docId).sk,
      record: recordKey(LONGEST_BUCKET, key, LONGEST_RECORD_ID).sk,
      capture: captureKey(longUrl, `2024-01-01T00:00:00Z ${'y'.repeat(2000)}`).sk,
      rank,
      revisitRank: revisitRank(rank, recordDocumentId(LONGEST_BUCKET, key, 'L999999999')),
      mismatch: mismatchSortKey(firstSeen, docId),
    };
    const partitionBytes = Object.values(partitionKeys).map(utf8Bytes);
    const sortBytes = Object.values(sortKeys).flat().map(utf8Bytes);
    console.log(`longest docId ${utf8Bytes(docId)} bytes: partition keys up to ${Math.max(...partitionBytes)} bytes, sort keys up to ${Math.max(...sortBytes)} bytes`);
    expect(utf8Bytes(docId)).toBeGreaterThan(KEY_LIMITS.sortKeyBytes);
    for (const [kind, pk] of Object.entries(partitionKeys)) expect(utf8Bytes(pk), kind).toBeLessThanOrEqual(KEY_LIMITS.partitionKeyBytes);
    for (const [kind, sk] of Object.entries(sortKeys)) {
      for (const value of [sk].flat()) {
        expect(utf8Bytes(value), kind).toBeLessThanOrEqual(KEY_LIMITS.sortKeyBytes);
        expect(wellFormed(value), `${kind} cut inside a character`).toBe(true);
      }
    }
    // The shortened rank still sorts by date first.
    const earlier = rankOf(makeAnalysis({ text: ARTICLE_A, claimed: '2017-01-01' }), firstSeen, docId);
    expect(earlier < rank).toBe(true);
  });

  it('sortKey keeps short values as they are and shortens long ones deterministically, distinctly, on character boundaries', () => {
    expect(sortKey('raw-pages/a.html')).toBe('raw-pages/a.html');
    const exact = `raw-pages/${utf8Key(1014, '')}`;
    expect(sortKey(exact)).toBe(exact); // exactly 1,024 bytes: kept
    const shortened = new Set<string>();
    for (let shift = 0; shift < 4; shift++) {
      // Shifting by one byte moves the cut to each position inside a 2-, 3- and 4-byte character.
      const docId = documentIdFor(BUCKET, utf8Key(1024, 'same-long-prefix/', shift));
      const key = sortKey(docId);
      expect(utf8Bytes(key)).toBeLessThanOrEqual(KEY_LIMITS.sortKeyBytes);
      expect(utf8Bytes(key)).toBeGreaterThan(KEY_LIMITS.sortKeyBytes - 4);
      expect(wellFormed(key)).toBe(true);
      expect(key).toMatch(/~[0-9a-f]{64}$/);
      expect(docId.startsWith(key.slice(0, key.length - 65))).toBe(true);
      expect(sortKey(docId)).toBe(key);
      shortened.add(key);
    }
    expect(shortened.size).toBe(4);
  });
});

describe('a document with a 1,024-byte key on dynalite', () => {
  let servers: LocalServers;
  beforeAll(async () => {
    servers = await startTestServers();
  });
  afterAll(async () => servers?.stop());

  let sequence = 0x500;
  const ref = (key: string, overrides: Partial<ObjectRef> = {}): ObjectRef => {
    sequence += 1;
    return { bucket: BUCKET, key, sequencer: sequence.toString(16), eTag: `etag-${sequence}`, eventTime: '2024-05-06T07:08:09.123Z', ...overrides };
  };

  it('is recorded, found as a near-duplicate of a short-key copy, clustered with it; records, captures and revisits too', async () => {
    const table = await freshTable(servers, 'longkeys');
    const store = createStore({ client: servers.dynamo, tableName: table, config: { maxDistance: 3, minSimilarity: 0.5 } });
    const longKey = utf8Key(1024, 'archive/');
    const twinKey = utf8Key(1024, 'archive/', 1); // shares its first ~1,000 bytes with longKey: distinct shortened keys
    const longDoc = documentIdFor(BUCKET, longKey);
    const twinDoc = documentIdFor(BUCKET, twinKey);
    const shortDoc = documentIdFor(BUCKET, 'copy.html');

    // The long-key page is the original (believed 2018 date); the short-key copy claims a later date.
    const original = await store.recordDocument(ref(longKey), makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' }));
    expect(original).toMatchObject({ outcome: 'recorded', clusterId: longDoc, isOriginal: true });
    const copy = await store.recordDocument(
      ref('copy.html'),
      makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [3]), claimed: '2021-06', dominant: '2018-04', dateMismatch: true }),
    );
    expect(copy).toMatchObject({ outcome: 'recorded', clusterId: longDoc, isOriginal: false, duplicateOf: longDoc });
    // The twin is a near-duplicate whose mismatched date and later first-seen make its rank and mismatch keys long too.
    const twin = await store.recordDocument(
      ref(twinKey, { eventTime: '2024-06-01T00:00:00.000Z' }),
      makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [40]), claimed: '2022-01', dominant: '2018-04', dateMismatch: true }),
    );
    expect(twin).toMatchObject({ outcome: 'recorded', clusterId: longDoc });

    const candidates = await store.findCandidates({ simhash: flipBits(BASE, [3]), sketch: makeAnalysis({ text: ARTICLE_A }).sketch });
    expect(candidates.map((candidate) => candidate.docId).sort()).toEqual([longDoc, twinDoc, shortDoc].sort());
    expect((await store.documentsInCluster(longDoc)).map((doc) => doc.docId)).toEqual([longDoc, shortDoc, twinDoc]);
    expect((await store.listMismatches()).map((doc) => doc.docId)).toEqual([shortDoc, twinDoc]);
    expect((await store.getDocument(longDoc))?.key).toBe(longKey);

    // A record inside a container with a 1,024-byte key, its capture under a long capture date, and a revisit of it.
    const containerKey = utf8Key(1024, 'crawl/');
    const url = `https://example.org/${'q'.repeat(2500)}`;
    const captureDate = `2024-01-01T00:00:00Z ${'r'.repeat(1500)}`; // JSONL scrapedAt is free text
    const container = ref(containerKey);
    expect(await store.beginObject(container)).toBe('new');
    const record = { ...container, recordId: LONGEST_RECORD_ID, docId: recordDocumentId(BUCKET, containerKey, LONGEST_RECORD_ID), url, captureDate };
    await store.addRecord(record, true);
    expect(await store.recordDocument(record, makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [20]), claimed: '2019-01' }))).toMatchObject({ clusterId: longDoc });
    expect(await store.finishObject(container)).toEqual([]);
    expect((await store.documentsOfObject(BUCKET, containerKey)).map((doc) => doc.docId)).toEqual([record.docId]);
    const revisitDoc = recordDocumentId(BUCKET, containerKey, 'L1');
    const revisit = await store.recordRevisit({ ...ref(`${containerKey}-other`), docId: revisitDoc, recordId: 'L1' }, { uri: url, date: captureDate }, undefined);
    expect(revisit).toMatchObject({ outcome: 'revisit', revisitOf: record.docId, clusterId: longDoc });

    // Deleting the twin removes its band items (built from the same shortened sort keys).
    expect((await store.markDeleted(ref(twinKey))).outcome).toBe('deleted');

    const db = DynamoDBDocumentClient.from(servers.dynamo);
    const { Items: items = [] } = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    const partitionAttributes = [TABLE_KEYS.partitionKey, ...Object.values(INDEXES).map((index) => index.partitionKey)];
    const sortAttributes = [TABLE_KEYS.sortKey, ...Object.values(INDEXES).map((index) => index.sortKey)];
    const longest = (names: string[]) => Math.max(...items.flatMap((item) => names.map((name) => (typeof item[name] === 'string' ? utf8Bytes(item[name]) : 0))));
    console.log(`${items.length} items written: longest partition key ${longest(partitionAttributes)} bytes, longest sort key ${longest(sortAttributes)} bytes`);
    expect(longest(partitionAttributes)).toBeLessThanOrEqual(KEY_LIMITS.partitionKeyBytes);
    expect(longest(sortAttributes)).toBeLessThanOrEqual(KEY_LIMITS.sortKeyBytes);
    expect(longest(sortAttributes)).toBeGreaterThan(KEY_LIMITS.sortKeyBytes - 4); // shortened keys were written
    // Every item whose sort key was shortened still says whose it is.
    const shortenedItems = items.filter((item) => /~[0-9a-f]{64}$/.test(String(item.sk)));
    expect(shortenedItems.length).toBeGreaterThan(0);
    for (const item of shortenedItems) expect(typeof item.docId, String(item.pk)).toBe('string');
    expect(items.filter((item) => String(item.pk).startsWith('BAND#') && item.docId === twinDoc)).toEqual([]);
  });
});
