/** `backfill` over objects uploaded while nothing listened, and `export` of what it recorded (s3rver + dynalite, no bridge). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngest } from '../../functions/ingest/ingest.ts';
import { createStore } from '../../functions/store/index.ts';
import { runBackfill, type BackfillSummary } from '../../local/cli-backfill.ts';
import { main } from '../../local/cli.ts';
import { exportTable } from '../../local/cli-export.ts';
import { DOCUMENT_COLUMNS, documentRow, IDENTICAL_PAYLOAD_PROFILE, NEAR_DUPLICATE_PROFILE, REVISIT_COLUMNS } from '../../local/export-rows.ts';
import { openDocumentReader } from '../../local/pipeline.ts';
import { Progress } from '../../local/progress.ts';
import { readCorpusBytes, readCorpusJson, SEED_PAGE } from '../support/corpus.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { writeWarc } from '../support/warc-writer.ts';
import { sqsEvent, upload } from '../ingest/s3-events.ts';

let servers: LocalServers;
let table: string;
const outDir = mkdtempSync(join(tmpdir(), 'archive-dedup-export-'));

const seedText = (): string => readCorpusBytes(...SEED_PAGE).toString('utf8');
/** Long articles from the extraction benchmark, unrelated to the seed and to each other. */
const unrelated = (index: number): string =>
  Object.values(readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json')).filter((entry) => entry.articleBody.length > 3000)[index]?.articleBody ?? '';
const ORIGINAL_ID = '<urn:uuid:bbbbbbbb-1111-4222-8333-444444444444>';

/** A stderr stand-in: what the progress bar wrote. */
function captureStream(isTTY: boolean): { isTTY: boolean; columns: number; text: string; write(chunk: string): boolean } {
  return { isTTY, columns: 100, text: '', write(chunk) { this.text += chunk; return true; } };
}

async function scanTable(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(servers.dynamo).send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += char;
  }
  return rows;
}

let realSequencer: string | undefined;
let first: BackfillSummary;

beforeAll(async () => {
  servers = await startTestServers();
  table = await freshTable(servers, 'backfill');
  // Uploaded while nothing listens: the embedded stack's bridge is not running.
  const warc = await writeWarc(
    [
      { type: 'response', url: 'https://news.example/a', date: '2024-03-01T10:00:00Z', httpHeaders: { 'Content-Type': 'text/plain' }, warcHeaders: { 'WARC-Record-ID': ORIGINAL_ID }, payload: seedText() },
      { type: 'revisit', url: 'https://news.example/a', date: '2024-04-01T10:00:00Z', refersToUrl: 'https://news.example/a', refersToDate: '2024-03-01T10:00:00Z', warcHeaders: { 'WARC-Refers-To': ORIGINAL_ID } },
    ],
    true,
  );
  await upload(servers.s3, 'in/crawl.warc.gz', warc.bytes);
  await upload(servers.s3, 'in/copy, "quoted" + spaced.txt', seedText().replace('besieged', 'encircled'));
  await upload(servers.s3, 'in/scrape.jsonl', `${JSON.stringify({ url: 'https://other.example/b', text: unrelated(0), scrapedAt: '2024-02-01T00:00:00Z' })}\nnot json\n`);
  await upload(servers.s3, 'out/ignored.txt', unrelated(2));
  // One object already recorded by a real event: the backfill must not override it.
  const real = await upload(servers.s3, 'in/real.txt', unrelated(1));
  realSequencer = real.s3.object.sequencer;
  await createIngest({ s3: servers.s3, dynamo: servers.dynamo, tableName: table }).processEvent(sqsEvent([real]));
});
afterAll(async () => {
  await servers?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

describe('backfill', () => {
  it('records every object under the prefix through the same ingest, never overriding a real event; plain progress lines off a terminal', async () => {
    const stderr = captureStream(false);
    first = await runBackfill({ s3: servers.s3, dynamo: servers.dynamo, tableName: table, bucket: 'raw-pages', prefix: 'in/' }, stderr);
    console.log(`[backfill] first run: ${JSON.stringify(first)}; progress: ${JSON.stringify(stderr.text)}`);
    expect(first).toMatchObject({ listed: 4, processed: 4, failed: [] });
    expect(first.outcomes).toMatchObject({ recorded: 3, revisit: 1, rejected: 1, stale: 1 });
    expect(stderr.text).not.toContain('\r');
    expect(stderr.text.trim().split('\n').at(-1)).toBe('backfill s3://raw-pages/in/: 4/4 objects (100%)');

    const store = createStore({ client: servers.dynamo, tableName: table });
    const original = await store.getDocument('raw-pages/in/crawl.warc.gz#@0');
    expect(original).toMatchObject({ status: 'recorded', captureDate: '2024-03-01T10:00:00Z', sequencer: '0' });
    const copy = await store.getDocument('raw-pages/in/copy, "quoted" + spaced.txt');
    expect(copy).toMatchObject({ status: 'recorded', clusterId: original?.clusterId });
    expect(await store.getDocument('raw-pages/in/real.txt')).toMatchObject({ status: 'recorded', sequencer: realSequencer });
    expect(await store.getDocument('raw-pages/out/ignored.txt')).toBeNull();
  });

  it('a second backfill (through the CLI) changes nothing', async () => {
    const before = await scanTable();
    const lines: string[] = [];
    const args = ['backfill', '--endpoint-url', servers.s3Endpoint, '--dynamo-endpoint', servers.dynamoEndpoint, '--table', table, '--prefix', 'in/', '--json'];
    expect(await main(args, (line) => lines.push(line))).toBe(0);
    const second = JSON.parse(lines[0] ?? '{}') as BackfillSummary;
    console.log(`[backfill] second run: ${JSON.stringify(second.outcomes)}`);
    expect(second).toMatchObject({ listed: 4, processed: 4, failed: [] });
    // A finished JSONL / WARC object is not read again (one read per range), so its bad line is not rejected anew.
    expect(Object.keys(second.outcomes).sort()).toEqual(['stale', 'unchanged']);
    expect(await scanTable()).toEqual(before);
  });

  it('draws a bar on a terminal', () => {
    const tty = captureStream(true);
    const progress = new Progress(tty, 'backfill', { now: () => 1_000 });
    progress.update({ done: 3, total: 12, final: false });
    progress.finish({ done: 12, total: 12, final: true });
    expect(tty.text).toBe(`\r[########......................] backfill: 3/12+ objects\x1b[K\r[${'#'.repeat(30)}] backfill: 12/12 objects (100%)\x1b[K\n`);
  });
});

describe('export', () => {
  it('jsonl: every document, a revisit record per near-duplicate and revisit, and the clusters', async () => {
    const lines: string[] = [];
    const summary = await exportTable(openDocumentReader({ dynamo: servers.dynamo, tableName: table }), 'jsonl', (line) => void lines.push(line));
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const documents = records.filter((record) => record.type === 'document');
    const revisits = records.filter((record) => record.type === 'revisit');
    console.log(`[export] ${JSON.stringify(summary)}; revisit records: ${revisits.map((r) => `${r['WARC-Target-URI']} -> ${r['WARC-Refers-To-Target-URI']} (${r['WARC-Profile']})`).join('; ')}`);
    expect(documents.map((record) => record.docId).sort()).toEqual([
      'raw-pages/in/copy, "quoted" + spaced.txt',
      'raw-pages/in/crawl.warc.gz#@0',
      expect.stringMatching(/^raw-pages\/in\/crawl\.warc\.gz#@\d+$/),
      'raw-pages/in/real.txt',
      'raw-pages/in/scrape.jsonl#L1',
      'raw-pages/in/scrape.jsonl#L2',
    ]);
    const revisitOf = (docId: string) => revisits.find((record) => record.docId === docId);
    const warcRevisit = revisits.find((record) => String(record.docId).startsWith('raw-pages/in/crawl.warc.gz#@') && record.docId !== 'raw-pages/in/crawl.warc.gz#@0');
    expect(warcRevisit).toMatchObject({
      'WARC-Type': 'revisit',
      'WARC-Target-URI': 'https://news.example/a',
      'WARC-Date': '2024-04-01T10:00:00Z',
      'WARC-Refers-To-Target-URI': 'https://news.example/a',
      'WARC-Refers-To-Date': '2024-03-01T10:00:00Z',
      'WARC-Profile': IDENTICAL_PAYLOAD_PROFILE,
      distance: 0,
    });
    // The copy and the WARC response are near-duplicates (which one is the original is the store's ranking): one refers to the other.
    // Spaces and quotes of the key are percent-encoded, as WARC requires of a URI.
    const copyUri = 's3://raw-pages/in/copy,%20%22quoted%22%20+%20spaced.txt';
    const nearDuplicate = revisitOf('raw-pages/in/copy, "quoted" + spaced.txt') ?? revisitOf('raw-pages/in/crawl.warc.gz#@0');
    expect(nearDuplicate?.['WARC-Profile']).toBe(NEAR_DUPLICATE_PROFILE);
    expect([nearDuplicate?.['WARC-Target-URI'], nearDuplicate?.['WARC-Refers-To-Target-URI']].sort()).toEqual(['https://news.example/a', copyUri]);
    expect(nearDuplicate?.similarity).toBeGreaterThan(0.9);
    expect(revisits).toHaveLength(2);
    const clusters = records.filter((record) => record.type === 'cluster');
    expect(clusters.map((record) => record.size).sort()).toEqual([1, 1, 3]);
    expect(summary).toEqual({ documents: 6, clusters: 3, revisits: 2 });
  });

  it('csv (through the CLI, to a file): a header row, one row per document, fields with commas and quotes quoted', async () => {
    const out = join(outDir, 'export.csv');
    const lines: string[] = [];
    expect(await main(['export', '--format', 'csv', '--out', out, '--endpoint-url', servers.dynamoEndpoint, '--table', table], (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`exported 6 documents, 3 clusters and 2 revisit records to ${out}`]);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual([...DOCUMENT_COLUMNS, ...REVISIT_COLUMNS]);
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).toHaveLength(header!.length);
    const column = (name: string) => header!.indexOf(name);
    const copy = rows.find((row) => row[column('docId')] === 'raw-pages/in/copy, "quoted" + spaced.txt');
    expect(copy?.[column('key')]).toBe('in/copy, "quoted" + spaced.txt');
    const profiles = rows.map((row) => row[column('WARC-Profile')]).filter(Boolean).sort();
    expect(profiles).toEqual([IDENTICAL_PAYLOAD_PROFILE, NEAR_DUPLICATE_PROFILE]);
    expect(rows.filter((row) => row[column('isOriginal')] === 'false')).toHaveLength(2);
    const rejected = rows.find((row) => row[column('docId')] === 'raw-pages/in/scrape.jsonl#L2');
    expect(rejected?.[column('status')]).toBe('rejected');
    expect(rejected?.[column('WARC-Profile')]).toBe('');
    expect(await main(['export', '--format', 'xml'], () => {})).toBe(2);
  });

  it('a row names the date verdict kinds that hold (issue 16), empty when none', () => {
    const base = { docId: 'raw-pages/a.txt', bucket: 'raw-pages', key: 'a.txt', status: 'recorded' as const, firstSeen: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' };
    expect(documentRow({ ...base, dateMismatch: true, mismatchKinds: ['content', 'earlier-copy'] }).mismatchKinds).toBe('content earlier-copy');
    expect(documentRow({ ...base, dateMismatch: false, mismatchKinds: [] }).mismatchKinds).toBeNull();
  });
});
