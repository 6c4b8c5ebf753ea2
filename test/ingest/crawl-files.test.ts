/**
 * The real crawl files of ../shared/corpus/pywb-warcs through the real ingest (s3rver + dynalite), as `archive-dedup run`
 * sends them: no file fails; every record ends as a document (recorded or rejected) or listed as skipped with its
 * reason; a file with no page record is an object with zero pages, not a failure; removal takes its listing too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIngest, type Ingest, type IngestOutcome } from '../../functions/ingest/ingest.ts';
import { createStore, type Store } from '../../functions/store/index.ts';
import { openStore } from '../../local/pipeline.ts';
import { collectReport } from '../../local/report.ts';
import { corpusForTests, corpusPath, hasCorpus } from '../support/corpus.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { s3Record, sqsEvent, upload } from './s3-events.ts';

const env = useFreshTables('crawls');
let ingest: Ingest;
let store: Store;
let outcomes: IngestOutcome[];

beforeEach(async () => {
  outcomes = [];
  ingest = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, observer: { outcome: (outcome) => outcomes.push(outcome) } });
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
});

const FOLDER = corpusPath('pywb-warcs');
const files = (): string[] => (hasCorpus() ? readdirSync(FOLDER).filter((name) => name !== 'LICENSE').sort() : []);

describe.runIf(corpusForTests())('pywb crawl files through the ingest', () => {
  it('no file fails; each record is a document or a skipped listing; the report shows zero-page files as such', async () => {
    const keys = files().map((name) => `crawls/${name}`);
    const events = await Promise.all(files().map((name, index) => upload(env.servers.s3, keys[index]!, readFileSync(`${FOLDER}/${name}`))));
    expect((await ingest.processEvent(sqsEvent(events))).batchItemFailures).toEqual([]);

    const containers = outcomes.filter((outcome) => outcome.outcome === 'container');
    expect(containers).toHaveLength(files().length);
    let documents = 0;
    let skipped = 0;
    const statuses: Record<string, number> = {};
    for (const key of keys) {
      const docs = await store.documentsOfObject('raw-pages', key);
      const listed = await store.skippedRecordsOf('raw-pages', key);
      const container = containers.find((outcome) => outcome.docId === `raw-pages/${key}`);
      expect(container, key).toMatchObject({ records: docs.length, skipped: listed.length });
      expect(docs.every((doc) => doc.status === 'recorded' || (doc.status === 'rejected' && (doc.reason?.length ?? 0) > 0)), key).toBe(true);
      expect(listed.every((record) => record.reason.length > 0)).toBe(true);
      documents += docs.length;
      for (const doc of docs) statuses[doc.status] = (statuses[doc.status] ?? 0) + 1;
      skipped += listed.length;
    }
    // The 57 records of the 15 files (test/core/records-pywb.test.ts lists them one by one).
    expect({ documents, skipped }).toEqual({ documents: 24, skipped: 33 });
    // 15 pages and 6 revisits recorded; bad.arc's two non-numeric lengths and its 1-byte page rejected.
    expect(statuses).toEqual({ recorded: 21, rejected: 3 });

    const post = await store.skippedRecordsOf('raw-pages', 'crawls/post-test.warc.gz');
    expect(post.map((record) => record.reason)).toEqual([
      'response record of type application/json, not a page',
      'request record',
      'response record of type application/json, not a page',
      'request record',
      'response record of type application/json, not a page',
      'request record',
    ]);

    const report = await collectReport(openStore({ dynamo: env.servers.dynamo, tableName: env.table }), 'raw-pages', keys, () => undefined);
    const byKey = (key: string) => report.documents.filter((document) => document.key.startsWith(key));
    expect(report.documents.filter((document) => document.status === 'failed')).toEqual([]);
    expect(byKey('crawls/post-test.warc.gz')).toEqual([expect.objectContaining({ status: 'no-pages', reason: expect.stringMatching(/^no page records: 6 skipped \(response record of type application\/json/) })]);
    expect(byKey('crawls/httpbin-resource.warc.gz')).toEqual([expect.objectContaining({ status: 'no-pages' })]);
    expect(byKey('crawls/missing-status-text.warc')).toEqual([expect.objectContaining({ status: 'no-pages', reason: expect.stringContaining('HTTP status 302') })]);
  });

  it('a zero-page file removed leaves no listing behind; uploaded again, it is listed again once', async () => {
    const key = 'crawls/post-test.warc.gz';
    const bytes = readFileSync(`${FOLDER}/post-test.warc.gz`);
    const event = await upload(env.servers.s3, key, bytes);
    expect((await ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);
    expect(await store.skippedRecordsOf('raw-pages', key)).toHaveLength(6);
    // Redelivery lists nothing twice.
    expect((await ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);
    expect(await store.skippedRecordsOf('raw-pages', key)).toHaveLength(6);

    await env.servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: key }));
    await ingest.processEvent(sqsEvent([s3Record({ key, eventName: 'ObjectRemoved:Delete' })]));
    expect(await store.skippedRecordsOf('raw-pages', key)).toEqual([]);

    // An overwrite with fewer records drops the listings the new version does not hold.
    const again = await upload(env.servers.s3, key, bytes.subarray(0, 1196));
    expect((await ingest.processEvent(sqsEvent([again]))).batchItemFailures).toEqual([]);
    expect((await store.skippedRecordsOf('raw-pages', key)).map((record) => record.recordId)).toEqual(['@0', '@720']);
    const full = await upload(env.servers.s3, key, bytes);
    expect((await ingest.processEvent(sqsEvent([full]))).batchItemFailures).toEqual([]);
    const shorter = await upload(env.servers.s3, key, bytes.subarray(0, 720));
    expect((await ingest.processEvent(sqsEvent([shorter]))).batchItemFailures).toEqual([]);
    expect((await store.skippedRecordsOf('raw-pages', key)).map((record) => record.recordId)).toEqual(['@0']);
  });
});
