/** WARC and JSONL objects through the real ingest (s3rver + dynalite): one document per record, revisits, removal. */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIngest, type Ingest } from '../../functions/ingest/ingest.ts';
import { createStore, type Store } from '../../functions/store/index.ts';
import { readCorpusBytes, readCorpusJson, SEED_PAGE } from '../support/corpus.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { writeWarc, type WarcRecordSpec } from '../support/warc-writer.ts';
import { s3Record, sqsEvent, upload } from './s3-events.ts';

const env = useFreshTables('records');
let ingest: Ingest;
let store: Store;

beforeEach(async () => {
  ingest = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table });
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
});

const seedText = (): string => readCorpusBytes(...SEED_PAGE).toString('utf8');
/** The seed with a handful of words changed: a near-duplicate, not an exact one. */
const editedSeed = (): string => seedText().replace('besieged', 'encircled').replace('JUNE 2021', 'JULY 2021');
function unrelatedArticle(): string {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  return Object.values(truth).find((entry) => entry.articleBody.length > 3000)?.articleBody ?? '';
}

async function scanTable(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

const ORIGINAL_ID = '<urn:uuid:aaaaaaaa-1111-4222-8333-444444444444>';
const text = { 'Content-Type': 'text/plain; charset=utf-8' };

/** A small crawl: response, resource, a revisit of the response, a near-duplicate response, and a last record that the test cuts. */
function crawl(): WarcRecordSpec[] {
  return [
    { type: 'warcinfo', payload: 'software: records.test\r\n' },
    { type: 'response', url: 'https://news.example/a', date: '2024-03-01T10:00:00Z', httpHeaders: text, warcHeaders: { 'WARC-Record-ID': ORIGINAL_ID }, payload: seedText() },
    { type: 'resource', url: 'https://other.example/b', date: '2024-03-01T10:05:00Z', warcHeaders: { 'Content-Type': 'text/plain' }, payload: unrelatedArticle() },
    {
      type: 'revisit',
      url: 'https://news.example/a',
      date: '2024-04-01T10:00:00Z',
      refersToUrl: 'https://news.example/a',
      refersToDate: '2024-03-01T10:00:00Z',
      warcHeaders: { 'WARC-Refers-To': ORIGINAL_ID },
    },
    { type: 'response', url: 'https://mirror.example/a', date: '2024-05-01T10:00:00Z', httpHeaders: text, payload: editedSeed() },
    { type: 'response', url: 'https://news.example/cut', date: '2024-05-02T10:00:00Z', httpHeaders: text, payload: unrelatedArticle() },
  ];
}

describe('WARC objects through the ingest', () => {
  for (const gzip of [false, true]) {
    it(`${gzip ? 'per-record gzip' : 'plain'}: one document per page record, the revisit linked, the cut record rejected; redelivery idempotent; removal deletes all`, async () => {
      const { bytes, offsets } = await writeWarc(crawl(), gzip);
      const cutAt = (offsets[5] as number) + Math.floor((bytes.length - (offsets[5] as number)) / 2);
      const key = `crawls/crawl.warc${gzip ? '.gz' : ''}`;
      const event = await upload(env.servers.s3, key, bytes.subarray(0, cutAt));
      expect((await ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);

      const docId = (index: number): string => `raw-pages/${key}#@${offsets[index]}`;
      const [original, resource, revisit, mirror, cut] = await Promise.all([1, 2, 3, 4, 5].map((index) => store.getDocument(docId(index))));
      expect(original).toMatchObject({ status: 'recorded', recordId: `@${offsets[1]}`, url: 'https://news.example/a', captureDate: '2024-03-01T10:00:00Z', key });
      // The capture date is never the claimed date: the page claims June 2021 in its own header.
      expect(original?.claimedDate?.value).toBe('2021-06');
      expect(resource).toMatchObject({ status: 'recorded', url: 'https://other.example/b', captureDate: '2024-03-01T10:05:00Z', isOriginal: true });
      expect(revisit).toMatchObject({
        status: 'recorded',
        kind: 'revisit',
        revisitOf: docId(1),
        clusterId: original?.clusterId,
        duplicateOf: original?.clusterId,
        contentHash: original?.contentHash,
        captureDate: '2024-04-01T10:00:00Z',
        refersTo: { uri: 'https://news.example/a', date: '2024-03-01T10:00:00Z', warcRecordId: ORIGINAL_ID },
      });
      expect(mirror).toMatchObject({ status: 'recorded', url: 'https://mirror.example/a', clusterId: original?.clusterId });
      expect(cut).toMatchObject({ status: 'rejected', reasonCode: gzip ? 'truncated-gzip' : 'truncated' });
      expect(cut?.reason).toMatch(/cut|ends inside/);
      const cluster = await store.documentsInCluster(original?.clusterId as string);
      console.log(`[records] ${gzip ? 'gzip' : 'plain'} WARC: cluster of ${cluster.length} (${cluster.map((doc) => doc.kind).join(', ')}), mirror distance ${mirror?.distance}, cut record: ${cut?.reason}`);
      expect(cluster.map((doc) => doc.docId).sort()).toEqual([docId(1), docId(3), docId(4)].sort());
      expect((await store.exactDuplicates(docId(1))).map((doc) => doc.docId)).toEqual([docId(1), docId(3)]); // the page and its revisit

      const before = await scanTable();
      for (let i = 0; i < 2; i++) expect((await ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);
      expect(await scanTable()).toEqual(before);

      await env.servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: key }));
      await ingest.processEvent(sqsEvent([s3Record({ key, eventName: 'ObjectRemoved:Delete' })]));
      const after = await Promise.all([1, 2, 3, 4, 5].map((index) => store.getDocument(docId(index))));
      expect(after.map((doc) => doc?.status)).toEqual(['deleted', 'deleted', 'deleted', 'deleted', 'deleted']);
      expect(await store.documentsInCluster(original?.clusterId as string)).toEqual([]);
    });
  }

  it('a revisit in another WARC finds its original by URI and date; an unknown one is kept, and linked when its event comes again', async () => {
    const revisitSpec: WarcRecordSpec = { type: 'revisit', url: 'https://news.example/a', date: '2024-06-01T00:00:00Z', refersToUrl: 'https://news.example/a', refersToDate: '2024-03-01T10:00:00Z' };
    const revisits = await writeWarc([revisitSpec], true);
    const revisitEvent = await upload(env.servers.s3, 'crawls/later.warc.gz', revisits.bytes);
    await ingest.processEvent(sqsEvent([revisitEvent]));
    const revisitId = 'raw-pages/crawls/later.warc.gz#@0';
    const unknown = await store.getDocument(revisitId);
    expect(unknown).toMatchObject({ status: 'recorded', kind: 'revisit', refersTo: { uri: 'https://news.example/a', date: '2024-03-01T10:00:00Z' } });
    expect(unknown?.revisitOf).toBeUndefined();

    const originals = await writeWarc(crawl().slice(0, 2), true);
    await ingest.processEvent(sqsEvent([await upload(env.servers.s3, 'crawls/first.warc.gz', originals.bytes)]));
    await ingest.processEvent(sqsEvent([revisitEvent]));
    const originalId = `raw-pages/crawls/first.warc.gz#@${originals.offsets[1]}`;
    expect(await store.getDocument(revisitId)).toMatchObject({ kind: 'revisit', revisitOf: originalId, clusterId: originalId });
  });

  it('two captures of one page in one WARC, the later written first: the earlier capture is the original (first seen = capture date)', async () => {
    // Same claimed date (the seed's June 2021 header): the rank is decided by first seen, then docId. The later capture
    // sits at offset 0, the lowest docId: with the object's event time as both records' first seen, it would win.
    const captures: WarcRecordSpec[] = [
      { type: 'response', url: 'https://news.example/a', date: '2024-05-01T10:00:00Z', httpHeaders: text, payload: seedText().replace('besieged', 'encircled') },
      { type: 'response', url: 'https://news.example/a', date: '2024-03-01T10:00:00Z', httpHeaders: text, payload: seedText() },
    ];
    const { bytes, offsets } = await writeWarc(captures, true);
    const key = 'crawls/two-captures.warc.gz';
    expect((await ingest.processEvent(sqsEvent([await upload(env.servers.s3, key, bytes)]))).batchItemFailures).toEqual([]);
    const [later, earlier] = await Promise.all(offsets.map((offset) => store.getDocument(`raw-pages/${key}#@${offset}`)));
    expect(later?.claimedDate?.value).toBe(earlier?.claimedDate?.value);
    expect(earlier).toMatchObject({ firstSeen: '2024-03-01T10:00:00.000Z', captureDate: '2024-03-01T10:00:00Z', isOriginal: true, clusterId: earlier?.docId });
    expect(later).toMatchObject({ firstSeen: '2024-05-01T10:00:00.000Z', isOriginal: false, duplicateOf: earlier?.docId });
    expect((await store.documentsInCluster(earlier?.docId as string)).map((doc) => doc.docId)).toEqual([earlier?.docId, later?.docId]);
  });

  it('an overwrite with fewer records marks the records it no longer holds deleted', async () => {
    const full = await writeWarc(crawl().slice(0, 3), false);
    await ingest.processEvent(sqsEvent([await upload(env.servers.s3, 'crawl.warc', full.bytes)]));
    const shorter = await writeWarc(crawl().slice(0, 2), false);
    await ingest.processEvent(sqsEvent([await upload(env.servers.s3, 'crawl.warc', shorter.bytes)]));
    expect((await store.getDocument(`raw-pages/crawl.warc#@${full.offsets[1]}`))?.status).toBe('recorded');
    expect((await store.getDocument(`raw-pages/crawl.warc#@${full.offsets[2]}`))?.status).toBe('deleted');
  });
});

describe('JSONL objects through the ingest', () => {
  it('each line is a document: two near-duplicates share a cluster, the bad line is rejected', async () => {
    const lines = [
      JSON.stringify({ url: 'https://news.example/a', text: seedText(), scrapedAt: '2024-03-01T10:00:00Z', published: '2018-04-06' }),
      JSON.stringify({ url: 'https://copy.example/a', text: editedSeed(), scrapedAt: '2024-03-02T10:00:00Z' }),
      '{"url": "https://broken.example/", "text": "unterminated',
    ];
    const event = await upload(env.servers.s3, 'scrapes/day.jsonl', `${lines.join('\n')}\n`);
    expect((await ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);
    const [first, second, bad] = await Promise.all(['L1', 'L2', 'L3'].map((id) => store.getDocument(`raw-pages/scrapes/day.jsonl#${id}`)));
    expect(first).toMatchObject({ status: 'recorded', url: 'https://news.example/a', captureDate: '2024-03-01T10:00:00Z', firstSeen: '2024-03-01T10:00:00.000Z', isOriginal: true });
    expect(first?.claimedDate).toMatchObject({ value: '2018-04-06', source: 'metadata' });
    expect(second).toMatchObject({ status: 'recorded', captureDate: '2024-03-02T10:00:00Z', clusterId: first?.docId, duplicateOf: first?.docId });
    expect(bad).toMatchObject({ status: 'rejected', reasonCode: 'unsupported' });
    console.log(`[records] JSONL: L2 distance ${second?.distance} to L1; L3 rejected: ${bad?.reason}`);
  });
});

describe('objects over the single-page size limit', () => {
  it('a JSONL object larger than maxInputBytes is still split (its first bytes say so); a single page that large is rejected unread', async () => {
    const small = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, config: { maxInputBytes: 400 } });
    const line = (n: number) => JSON.stringify({ url: `https://small.example/${n}`, text: `Harbour notice ${n}. The ferry to the northern islands runs again from Monday, weather permitting, the harbour office said.` });
    const lines = [1, 2, 3, 4].map(line).join('\n');
    expect(lines.length).toBeGreaterThan(400);
    const scrape = await upload(env.servers.s3, 'big/scrape.jsonl', lines);
    const page = await upload(env.servers.s3, 'big/page.txt', 'A long page. '.repeat(50));
    expect((await small.processEvent(sqsEvent([scrape, page]))).batchItemFailures).toEqual([]);
    const records = await Promise.all(['L1', 'L2', 'L3', 'L4'].map((id) => store.getDocument(`raw-pages/big/scrape.jsonl#${id}`)));
    expect(records.map((doc) => doc?.status)).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    expect(await store.getDocument('raw-pages/big/page.txt')).toMatchObject({ status: 'rejected', reasonCode: 'too-large' });
  });
});

