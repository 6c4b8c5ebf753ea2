/**
 * Reindex of WARC and JSONL records (issue 13): a table filled by a version-1 ingest from a WARC (pages, a
 * near-duplicate, a revisit, a record that is no page) and a JSONL file, then `reindex` (the local command's walk) and
 * the backfill state machine as deployed (its synthesized definition driven over s3rver, the Lambda handler entry with
 * the event the state machine sends): every record at the current version, read again by its record id, clustered
 * anew, nothing duplicated; a run out of time resumes where it stopped; a second run changes nothing.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Match } from 'aws-cdk-lib/assertions';
import type { Context, S3Event } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FINGERPRINT_VERSION } from '../../functions/core/fingerprint.ts';
import type { PageAnalysis } from '../../functions/core/types.ts';
import { BACKFILL_SOURCE, type BackfillEvent } from '../../functions/ingest/events.ts';
import { createIngest } from '../../functions/ingest/ingest.ts';
import { createStore, type StoredDocument } from '../../functions/store/index.ts';
import { runBackfill } from '../../local/cli-backfill.ts';
import { readCorpusJson, readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { writeWarc, type WarcRecordSpec } from '../support/warc-writer.ts';
import { makeTempRoot, onlyLogicalId, stateMachineDefinition, synthStack } from '../infra/cdk-test-app.ts';
import { s3Record, sqsEvent, sqsMessage, upload } from './s3-events.ts';

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
    expect(progress.text).toMatch(/reindex s3:\/\/raw-pages\/raw\/: 2\/2 objects \(100%\), 8 documents reindexed/);
    expect(legacy.analyzed).toBe(pages); // each page record read and analyzed once; the request and warcinfo never
    await expectCurrent(before);

    const settled = await snapshot();
    const again = await runBackfill({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, bucket: 'raw-pages', prefix: 'raw/', label: 'reindex' }, progress);
    expect(again).toMatchObject({ listed: 2, processed: 2, failed: [], outcomes: { stale: 2 } });
    expect(legacy.analyzed).toBe(pages); // nothing read again
    expect(await snapshot()).toEqual(settled);
  });
});

describe('a reindex out of time, with the ingest queue to send to', () => {
  it('puts the object\'s event back on the queue as a continuation when it made progress, and fails the batch for a retry when it made none', async () => {
    const before = await fillWithVersionOne();
    const pages = before.filter((document) => document.kind !== 'revisit').length;
    const sent: string[] = [];
    const ingest = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, send: async (bodies) => void sent.push(...bodies) });
    /** 2 records per invocation, then under the safety margin. */
    const context = () => {
      const start = legacy.analyzed;
      return { getRemainingTimeInMillis: () => (legacy.analyzed - start >= 2 ? 1000 : 60_000) };
    };
    const listed = await env.servers.s3.send(new ListObjectsV2Command({ Bucket: 'raw-pages', Prefix: 'raw/' }));
    const batch: BackfillEvent = { source: BACKFILL_SOURCE, bucket: 'raw-pages', Items: (listed.Contents ?? []).map((object) => ({ Key: object.Key!, Size: object.Size, Etag: object.ETag })) };
    // The state machine's batch: the WARC pauses after 2 of its 5 records behind and goes back on the queue as its
    // event; the JSONL, reached with no time left, recomputes nothing, so the batch fails (the state machine retries it).
    await expect(ingest.processEvent(batch, context())).rejects.toThrow(/^backfill: 1 of 2 objects failed:\nraw\/scrapes\/blog\.jsonl: reindex of \S+ paused after 0 of 4 records: out of time$/);
    expect(sent.map((body) => (JSON.parse(body) as S3Event).Records.map((record) => record.s3.object.key))).toEqual([[KEYS.warc]]);
    // The continuation, in an invocation of its own, finishes the WARC and sends nothing more.
    expect(await ingest.processEvent({ Records: [sqsMessage(JSON.parse(sent[0]!))] }, context())).toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
    // The batch's retry: the WARC is current (stale), the JSONL recomputed.
    expect(await ingest.processEvent(batch, context())).toEqual({ batchItemFailures: [] });
    expect(legacy.analyzed).toBe(pages); // every page record analyzed once, across the invocations
    await expectCurrent(before);
  });
});

describe('a reindex out of time in a direct S3 event (no SQS message around it), with the ingest queue to send to', () => {
  it('puts the object\'s event back on the queue as a continuation, as a message or a backfill item does, instead of failing the event unlogged', async () => {
    const before = await fillWithVersionOne();
    const pages = before.filter((document) => document.kind !== 'revisit').length;
    const sent: string[] = [];
    const failures: unknown[] = [];
    const ingest = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table, send: async (bodies) => void sent.push(...bodies), observer: { failure: (error) => void failures.push(error) } });
    const context = () => {
      const start = legacy.analyzed;
      return { getRemainingTimeInMillis: () => (legacy.analyzed - start >= 2 ? 1000 : 60_000) };
    };
    // The WARC's reindex event as S3 (or a rule) would invoke the function with it: sequencer 0, no newer than the recorded one.
    const warc = before.find((document) => document.docId.startsWith(`raw-pages/${KEYS.warc}#`))!;
    const event: S3Event = { Records: [s3Record({ key: KEYS.warc, size: warc.size, eTag: warc.eTag, versionId: warc.versionId, sequencer: '0' })] };
    // 2 of its 5 records behind recomputed, then out of time: continued through the queue, the event done.
    expect(await ingest.processEvent(event, context())).toEqual({ batchItemFailures: [] });
    expect(failures).toEqual([]);
    expect(sent.map((body) => (JSON.parse(body) as S3Event).Records.map((record) => record.s3.object.key))).toEqual([[KEYS.warc]]);
    expect(legacy.analyzed).toBe(2);
    // The continuation finishes the WARC and sends nothing more.
    expect(await ingest.processEvent({ Records: [sqsMessage(JSON.parse(sent[0]!))] }, context())).toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
    expect(legacy.analyzed).toBe(pages - 4); // the WARC's 5 pages; the JSONL's 4 still behind
  });
});

/** What a Task state of the synthesized definition says (the parts the harness below follows). */
interface TaskState {
  Resource: string;
  Parameters: Record<string, unknown>;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
}

describe('the backfill state machine recomputes container records, as deployed', () => {
  it('its Distributed Map (ItemReader, ItemBatcher, retry) driven over s3rver, invoking the Lambda handler entry with the function environment: out of time, then resumed by its retry', async () => {
    const { template } = synthStack(root, { pipeline: { options: { backfill: true, backfillBatchSize: 5 } } });
    const bucketId = onlyLogicalId(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    // The ingest function, bundled from INGEST_ENTRY (functions/ingest/handler.ts), whose `handler` export is invoked below.
    const functionId = onlyLogicalId(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('analyze raw pages'), Handler: 'index.handler' });
    const fn = template.toJSON().Resources[functionId].Properties as { Timeout: number; Environment: { Variables: Record<string, unknown> } };
    const map = stateMachineDefinition(template).States.BackfillMap as Record<string, unknown> & { ItemReader: { Parameters: { Bucket: string; Prefix: string } }; ItemBatcher: { MaxItemsPerBatch: number } };
    const task = Object.values((map.ItemProcessor as { States: Record<string, TaskState> }).States)[0]!;
    expect(task.Resource).toBe(`<${functionId}>`);

    // The deployed function's environment, its references made local: the table, the bucket; no SQS queue locally
    // (these objects are one range each, so nothing is sent). Credentials and endpoints of s3rver and dynalite.
    const local: Record<string, string> = { [`<${bucketId}>`]: 'raw-pages' };
    const variables: Record<string, string> = {};
    for (const [name, value] of Object.entries(fn.Environment.Variables)) {
      if (typeof value === 'string') variables[name] = value;
      else if (name === 'TABLE_NAME') variables[name] = env.table;
      else if (name === 'BUCKET_NAME') variables[name] = 'raw-pages';
    }
    expect(variables).toMatchObject({ WATCH_PREFIX: 'raw/', BUCKET_NAME: 'raw-pages', TABLE_NAME: env.table });
    Object.assign(process.env, variables, {
      AWS_ENDPOINT_URL_S3: env.servers.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: env.servers.dynamoEndpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { handler } = await import('../../functions/ingest/handler.ts');

    const before = await fillWithVersionOne();
    const pages = before.filter((document) => document.kind !== 'revisit').length;
    /** A Lambda context: the deployed timeout, until 2 records were analyzed in this invocation; then under the safety margin. */
    const context = (): Context => {
      const start = legacy.analyzed;
      return { getRemainingTimeInMillis: () => (legacy.analyzed - start >= 2 ? 1000 : fn.Timeout * 1000) } as unknown as Context;
    };

    /** The Distributed Map: list the prefix, batch, build the task's Parameters, invoke, retry as its Retry says. */
    async function execute(): Promise<{ invocations: number; failures: string[] }> {
      const { Prefix, Bucket } = map.ItemReader.Parameters;
      const listed = await env.servers.s3.send(new ListObjectsV2Command({ Bucket: local[Bucket], Prefix }));
      const items = (listed.Contents ?? []).map((object) => ({ Etag: object.ETag, Key: object.Key, LastModified: Math.floor(object.LastModified!.getTime() / 1000), Size: object.Size, StorageClass: 'STANDARD' }));
      const retry = task.Retry?.find((retrier) => retrier.ErrorEquals.includes('States.TaskFailed'));
      const attempts = 1 + (retry?.MaxAttempts ?? 0);
      const outcome = { invocations: 0, failures: [] as string[] };
      for (let at = 0; at < items.length; at += map.ItemBatcher.MaxItemsPerBatch) {
        const batch = { Items: items.slice(at, at + map.ItemBatcher.MaxItemsPerBatch) };
        const payload = Object.fromEntries(
          Object.entries(task.Parameters).map(([name, value]) =>
            name.endsWith('.$') ? [name.slice(0, -2), batch[(value as string).replace('$.', '') as 'Items']] : [name, local[value as string] ?? value],
          ),
        );
        for (let attempt = 1; attempt <= attempts; attempt += 1) {
          outcome.invocations += 1;
          try {
            await handler(payload as never, context());
            break;
          } catch (error) {
            outcome.failures.push((error as Error).message);
            if (attempt === attempts) throw error;
          }
        }
      }
      return outcome;
    }

    const first = await execute();
    // Each invocation ran out of time after 2 records: the batch failed, and the retries went on from there, inside the
    // WARC too (its first try stopped after 2 of its 5 records: the revisit comes after its original, recomputed).
    expect(first.invocations).toBeGreaterThanOrEqual(3);
    expect(first.failures).toHaveLength(first.invocations - 1);
    for (const failure of first.failures) expect(failure).toMatch(/^backfill: [12] of 2 objects failed:\n(raw\/\S+: OutOfTime|raw\/\S+: reindex of s3:\/\/raw-pages\/raw\/\S+ paused after \d+ of \d+ records: out of time\n?)+$/);
    expect(first.failures[0]).toContain(`${KEYS.warc}: reindex of s3://raw-pages/${KEYS.warc} paused after 2 of 5 records`);
    expect(legacy.analyzed).toBe(pages); // no record analyzed twice
    await expectCurrent(before);

    const settled = await snapshot();
    expect(await execute()).toEqual({ invocations: 1, failures: [] });
    expect(legacy.analyzed).toBe(pages);
    expect(await snapshot()).toEqual(settled);
  });
});
