/**
 * Reindex of WARC and JSONL records (issue 13): a table filled by a version-1 ingest from a WARC (pages, a
 * near-duplicate, a revisit, a record that is no page) and a JSONL file, then `reindex` (the local command's walk) and
 * the backfill state machine as deployed (its synthesized definition driven over s3rver, the Lambda handler entry with
 * the event the state machine sends): every record at the current version, read again by its record id, clustered
 * anew, nothing duplicated; a run out of time resumes where it stopped; a second run changes nothing.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FINGERPRINT_VERSION } from '../../functions/core/fingerprint.ts';
import type { PageAnalysis } from '../../functions/core/types.ts';
import { createIngest } from '../../functions/ingest/ingest.ts';
import { createStore, type StoredDocument } from '../../functions/store/index.ts';
import { runBackfill } from '../../local/cli-backfill.ts';
import { readCorpusJson, readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { writeWarc, type WarcRecordSpec } from '../support/warc-writer.ts';
import { makeTempRoot, onlyLogicalId, synthStack } from '../infra/cdk-test-app.ts';
import { sqsEvent, upload } from './s3-events.ts';

/**
 * A version-1 deployment: the same analysis with the old version number and another SimHash (bits flipped, so pages
 * that were near-duplicates stay near each other, as they were under version 1). `analyzed` counts current analyses.
 */
const legacy = vi.hoisted(() => ({ on: false, analyzed: 0 }));
vi.mock('../../functions/core/analyze.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../functions/core/analyze.ts')>();
  return {
    ...real,
    analyzePage: (...args: Parameters<typeof real.analyzePage>): PageAnalysis => {
      const analysis = real.analyzePage(...args);
      if (!legacy.on) {
        legacy.analyzed += 1;
        return analysis;
      }
      const flipped = (BigInt(`0x${analysis.simhash}`) ^ 0xa5a5a5a5a5a5a5a5n).toString(16).padStart(16, '0');
      return { ...analysis, simhash: flipped, fingerprintVersion: 1 };
    },
  };
});

const env = useFreshTables('reindex-records');
const root = makeTempRoot('reindex-records');
afterAll(() => root.cleanup());

const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
const articles = Object.values(truth).map((entry) => entry.articleBody).filter((body) => body.length > 2500).slice(0, 6);
const seed = readCorpusBytes(...SEED_PAGE).toString('utf8');
const text = { 'Content-Type': 'text/plain; charset=utf-8' };
const ORIGINAL_ID = '<urn:uuid:aaaaaaaa-1111-4222-8333-444444444444>';

function crawl(): WarcRecordSpec[] {
  return [
    { type: 'warcinfo', payload: 'software: reindex-containers.test\r\n' },
    { type: 'response', url: 'https://news.example/seed', date: '2024-03-01T10:00:00Z', httpHeaders: text, warcHeaders: { 'WARC-Record-ID': ORIGINAL_ID }, payload: seed },
    { type: 'request', url: 'https://news.example/a', date: '2024-03-01T10:01:00Z', httpHeaders: { Host: 'news.example' } },
    { type: 'response', url: 'https://news.example/a', date: '2024-03-01T10:02:00Z', httpHeaders: text, payload: articles[0]! },
    { type: 'revisit', url: 'https://news.example/seed', date: '2024-04-01T10:00:00Z', refersToUrl: 'https://news.example/seed', refersToDate: '2024-03-01T10:00:00Z', warcHeaders: { 'WARC-Refers-To': ORIGINAL_ID } },
    { type: 'response', url: 'https://mirror.example/seed', date: '2024-05-01T10:00:00Z', httpHeaders: text, payload: seed.replace('besieged', 'encircled') },
    { type: 'response', url: 'https://news.example/b', date: '2024-05-02T10:00:00Z', httpHeaders: text, payload: articles[1]! },
  ];
}

function scrape(): string {
  const lines = [articles[2]!, articles[3]!, `${seed}\nShared from the archive.`, articles[4]!].map((body, index) => JSON.stringify({ url: `https://blog.example/${index}`, text: body, scrapedAt: '2024-06-01T00:00:00Z' }));
  return `${lines.join('\n')}\n`;
}

/** The record documents of both objects, in file order (the store lists them in sort-key order). */
async function recordDocuments(): Promise<StoredDocument[]> {
  const store = createStore({ client: env.servers.dynamo, tableName: env.table });
  const fileOrder = new Intl.Collator('en', { numeric: true }).compare;
  const ofObject = async (key: string) => (await store.documentsOfObject('raw-pages', key)).sort((a, b) => fileOrder(a.recordId ?? '', b.recordId ?? ''));
  return [...(await ofObject(KEYS.warc)), ...(await ofObject(KEYS.jsonl))];
}

async function scanTable(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items;
}

/** Items as a sorted list of `pk|sk` with their content, for "nothing changed" and "nothing duplicated". */
async function snapshot(): Promise<string[]> {
  return (await scanTable()).map((item) => JSON.stringify(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))).sort();
}

const KEYS = { warc: 'raw/crawls/day1.warc.gz', jsonl: 'raw/scrapes/blog.jsonl' };

/** Both objects uploaded and recorded by the version-1 ingest (real events, real sequencers); their record documents. */
async function fillWithVersionOne(): Promise<StoredDocument[]> {
  const { bytes } = await writeWarc(crawl(), true);
  const events = [await upload(env.servers.s3, KEYS.warc, bytes), await upload(env.servers.s3, KEYS.jsonl, scrape(), { contentType: 'application/x-ndjson' })];
  legacy.on = true;
  try {
    const old = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, indexLayout: 'bands4x16' });
    expect((await old.processEvent(sqsEvent(events))).batchItemFailures).toEqual([]);
  } finally {
    legacy.on = false;
  }
  const documents = await recordDocuments();
  expect(documents.map((document) => [document.kind, document.fingerprintVersion])).toEqual([
    ['text', 1],
    ['text', 1],
    ['revisit', undefined],
    ['text', 1],
    ['text', 1],
    ...Array.from({ length: 4 }, () => ['text', 1]),
  ]);
  return documents;
}

/** Every record of both objects at the current version, the revisit carrying its original's new fingerprint, the near-duplicates together. */
async function expectCurrent(before: StoredDocument[]): Promise<void> {
  const after = await recordDocuments();
  expect(after.map((document) => document.docId)).toEqual(before.map((document) => document.docId));
  const byId = new Map(after.map((document) => [document.docId, document]));
  for (const [index, old] of before.entries()) {
    const now = after[index]!;
    // Object attributes and first sighting stay those of the recorded version.
    expect(now).toMatchObject({ status: 'recorded', sequencer: old.sequencer, eTag: old.eTag, recordId: old.recordId, url: old.url, captureDate: old.captureDate, firstSeen: old.firstSeen });
    if (old.kind === 'revisit') continue;
    expect(now.fingerprintVersion).toBe(FINGERPRINT_VERSION);
    expect(now.simhash).not.toBe(old.simhash);
  }
  const [seedDoc, , revisit, mirror] = after;
  expect(revisit).toMatchObject({ kind: 'revisit', revisitOf: seedDoc!.docId, simhash: seedDoc!.simhash, sketch: seedDoc!.sketch, clusterId: seedDoc!.clusterId });
  expect(mirror!.clusterId).toBe(seedDoc!.clusterId);
  expect(byId.get(`raw-pages/${KEYS.jsonl}#L3`)?.clusterId).toBe(seedDoc!.clusterId);

  const items = await scanTable();
  // Nothing duplicated: one document item per record (and the objects' own), band items of the current version only.
  const documentItems = items.filter((item) => item.sk === 'DOC');
  expect(documentItems.map((item) => item.docId).sort()).toEqual(before.map((document) => document.docId).sort());
  const bands = items.filter((item) => String(item.pk).startsWith('BAND#'));
  expect(bands.every((item) => item.fingerprintVersion === FINGERPRINT_VERSION)).toBe(true);
  const current = after.filter((document) => document.kind !== 'revisit');
  const perDocument = bands.length / current.length;
  expect(Number.isInteger(perDocument)).toBe(true);
  for (const document of current) expect(bands.filter((item) => item.docId === document.docId)).toHaveLength(perDocument);
}

beforeEach(() => {
  legacy.analyzed = 0;
});

describe('reindex of WARC and JSONL records', () => {
  it('archive-dedup reindex: every record of an older version recomputed once, with progress; a second run changes nothing', async () => {
    const before = await fillWithVersionOne();
    const pages = before.filter((document) => document.kind !== 'revisit').length;
    const progress = { isTTY: false, columns: 100, text: '', write(chunk: string) { this.text += chunk; return true; } };
    const summary = await runBackfill({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, bucket: 'raw-pages', prefix: 'raw/', label: 'reindex' }, progress);
    expect(summary).toMatchObject({ listed: 2, processed: 2, failed: [], outcomes: { reindexed: pages, revisit: 1 } });
    expect(progress.text).toMatch(/reindex s3:\/\/raw-pages\/raw\/.*2\/2/s);
    expect(legacy.analyzed).toBe(pages); // each page record read and analyzed once; the request and warcinfo never
    await expectCurrent(before);

    const settled = await snapshot();
    const again = await runBackfill({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, bucket: 'raw-pages', prefix: 'raw/', label: 'reindex' }, progress);
    expect(again).toMatchObject({ listed: 2, processed: 2, failed: [], outcomes: { stale: 2 } });
    expect(legacy.analyzed).toBe(pages); // nothing read again
    expect(await snapshot()).toEqual(settled);
  });
});
