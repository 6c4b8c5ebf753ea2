/**
 * The HTML report, opened in real headless Chromium (test/support/browser.ts): the seed's cluster and its timeline,
 * a click that opens a cluster, the filter, the mismatches view, no console errors; read through the indexes;
 * linear in size and usable at 100,000 documents; `local` serving it live.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../local/cli.ts';
import { renderTableReport } from '../../local/cli-report.ts';
import { buildReportData } from '../../local/report-data.ts';
import { renderReportHtml } from '../../local/report-page.ts';
import { buildSamples, type SampleSet } from '../../local/samples.ts';
import { assertPortFree, localS3Client } from '../../local/servers.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../local/stack.ts';
import { launchBrowser, type Browser } from '../support/browser.ts';
import { syntheticDocuments, syntheticSource } from '../support/synthetic-archive.ts';

let stack: EmbeddedStack;
let samples: SampleSet;
let browser: Browser;
let dir: string;
let reportFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'archive-dedup-report-'));
  samples = buildSamples();
  stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0 });
  for (const name of readdirSync(samples.dir)) {
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: name, Body: readFileSync(join(samples.dir, name)) }));
  }
  await stack.whenIdle();
  reportFile = join(dir, 'report.html');
  const lines: string[] = [];
  expect(await main(['report', '--out', reportFile, '--endpoint-url', stack.servers.dynamoEndpoint], (line) => lines.push(line))).toBe(0);
  expect(lines[0]).toMatch(/^report: 10 documents, 2 clusters -> /);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(samples.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('the report in headless Chromium', () => {
  it('is one self-contained file: no external script, style, image or link', () => {
    const html = readFileSync(reportFile, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="(?!data:)|<img[^>]+src=|@import|url\(http/i);
    expect(html).toContain('<script type="application/json" id="report-data">');
  });

  it('shows the overview, the seed cluster largest first; a click opens it with its timeline and the 1,153-day mismatch', async () => {
    const { page, errors } = await browser.page();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(reportFile).href);
    expect(await page.locator('[data-count="pages"] .value').textContent()).toBe('10');
    expect(await page.locator('[data-count="clusters"] .value').textContent()).toBe('2');
    expect(await page.locator('[data-count="mismatches"] .value').textContent()).toBe('2');
    expect(await page.locator('[data-count="rejected"] .value').textContent()).toBe('1');

    const headers = page.getByTestId('cluster-header');
    expect(await headers.count()).toBe(2);
    await expect.poll(() => headers.first().textContent()).toContain('seed-june-2021.txt');
    expect(await headers.first().textContent()).toContain('5 pages');
    expect(await page.locator('svg.timeline').count()).toBe(0); // drawn only when a cluster opens

    await headers.first().click();
    const timeline = page.locator('#cluster-0 svg.timeline');
    expect(await timeline.isVisible()).toBe(true);
    expect(await timeline.locator('g.row').count()).toBe(5);
    const seedRow = timeline.locator('g.row.mismatch[data-key="seed-june-2021.txt"]');
    expect(await seedRow.count()).toBe(1);
    expect(await seedRow.locator('.gap-label').textContent()).toBe('+1153 d');
    expect(await seedRow.locator('title').textContent()).toContain('claims 2021-06 (header: "JUNE 2021")');
    // Click a row: the evidence shows under the timeline.
    await seedRow.locator('.claim').click();
    const evidence = page.locator('#cluster-0 [data-testid="evidence"]');
    expect(await evidence.isVisible()).toBe(true);
    expect(await evidence.textContent()).toContain('1153 days later');
    // Members: the original and four copies, exact copies marked.
    expect(await page.locator('#cluster-0 table.members tbody tr').count()).toBe(5);
    expect(await page.locator('#cluster-0 .badge', { hasText: 'exact copy' }).count()).toBe(3);
    // A second click closes it.
    await headers.first().click();
    expect(await page.locator('#cluster-0 svg.timeline').count()).toBe(0);

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });

  it('the filter narrows the list, in every view', async () => {
    const { page, errors } = await browser.page();
    await page.goto(pathToFileURL(reportFile).href);
    const filter = page.locator('#filter');
    await filter.fill('library');
    await expect.poll(() => page.getByTestId('cluster-header').count()).toBe(1);
    expect(await page.getByTestId('cluster-header').textContent()).toContain('library-reopening.txt');
    await filter.fill('no page is called this');
    await expect.poll(() => page.getByTestId('cluster-header').count()).toBe(0);
    expect(await page.locator('#list').textContent()).toContain('nothing matches');

    await page.getByRole('tab', { name: /All pages/ }).click();
    await filter.fill('');
    await expect.poll(() => page.getByTestId('page-row').count()).toBe(10);
    await filter.fill('harbour');
    await expect.poll(() => page.getByTestId('page-row').count()).toBe(1);
    expect(await page.locator('#page-status').textContent()).toBe('1–1 of 1');
    expect(errors).toEqual([]);
  });

  it('the mismatches view lists each mismatched copy with its evidence and a timeline; its cluster link opens the cluster', async () => {
    const { page, errors } = await browser.page();
    await page.goto(pathToFileURL(reportFile).href);
    await page.getByRole('tab', { name: /Date mismatches/ }).click();
    const items = page.getByTestId('mismatch');
    expect(await items.count()).toBe(2);
    const seed = items.filter({ hasText: 'seed-june-2021.txt' });
    expect(await seed.locator('.evidence-text').textContent()).toBe('claims 2021-06 (header) but the article covers 2018-04 (3 mentions, 2018-04-04..2018-04-05): 1153 days later');
    expect(await seed.locator('svg.timeline g.row.mismatch').count()).toBe(1);
    await seed.getByRole('link', { name: /cluster of 5 pages/ }).click();
    expect(await page.locator('#cluster-0 svg.timeline').isVisible()).toBe(true);
    expect(await page.getByRole('tab', { name: /Clusters/ }).getAttribute('aria-selected')).toBe('true');

    await page.getByRole('tab', { name: /Rejected/ }).click();
    expect(await page.getByTestId('page-row').textContent()).toContain('empty-upload.txt');
    expect(errors).toEqual([]);
  });
});

describe('date verdicts in the data', () => {
  it('a copy flagged earlier-copy (issue 16) carries that evidence and gap; content evidence only where the content kind holds', async () => {
    const [original, copy] = syntheticDocuments(200).filter((document) => document.isOriginal === false).slice(0, 1).flatMap((document) => [
      { ...document, docId: document.duplicateOf!, key: document.duplicateOf!.slice('raw-pages/'.length), isOriginal: true, dateMismatch: false },
      {
        ...document,
        dateMismatch: true,
        mismatchKinds: ['earlier-copy' as const],
        dateGapDays: 3,
        dateEvidence: 'claims 2021-06 (header); the article covers 2021-06',
        earlierCopy: {
          original: document.duplicateOf!,
          originalClaimed: { value: '2018-04-05', precision: 'day' as const, source: 'meta' as const },
          claimed: { value: '2021-06', precision: 'month' as const, source: 'header' as const },
          gapDays: 1153,
          evidence: `claims 2021-06 (header), 1153 days after the original of its cluster, ${document.duplicateOf}, which claims 2018-04-05 (meta)`,
        },
      },
    ]);
    const data = await buildReportData(syntheticSource([original!, copy!]), { source: 'synthetic', now: () => new Date(0) });
    const flagged = data.docs.find((doc) => doc.m === 1);
    expect(flagged).toMatchObject({ mk: ['earlier-copy'], g: 1153, ev: copy!.earlierCopy?.evidence });
  });
});

describe('hostile text', () => {
  it('keys, titles and URLs are shown as text: a key holding </script> or markup runs nothing', async () => {
    const [original, copy] = syntheticDocuments(200).filter((document) => document.isOriginal === false).slice(0, 1).flatMap((document) => [
      { ...document, docId: document.duplicateOf!, key: 'evil/</script><script>window.pwned=1</script>.html', isOriginal: true, title: '<img src=x onerror="window.pwned=2">' },
      { ...document, url: 'javascript:window.pwned=3', title: '\u2028 line separator & <b>bold</b>' },
    ]);
    const data = await buildReportData(syntheticSource([original!, copy!]), { source: '<i>source</i>', now: () => new Date(0) });
    const file = join(dir, 'hostile.html');
    writeFileSync(file, renderReportHtml(data));
    const { page, errors } = await browser.page();
    await page.goto(pathToFileURL(file).href);
    await page.getByTestId('cluster-header').first().click();
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.getByTestId('cluster-header').first().textContent()).toContain('evil/</script><script>window.pwned=1</script>.html');
    expect(await page.locator('#cluster-0 table.members').textContent()).toContain('<img src=x onerror="window.pwned=2">');
    expect(await page.locator('#source').textContent()).toContain('<i>source</i>');
    expect(errors).toEqual([]);
  });
});

describe('reading the table', () => {
  it('uses the byCluster index for the recorded documents; only the unindexed documents come from a (filtered) table Scan', async () => {
    const calls: { command: string; index?: string; filter?: string; select?: string }[] = [];
    stack.servers.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string; FilterExpression?: string; Select?: string };
        calls.push({ command: context.commandName ?? '?', index: input.IndexName, filter: input.FilterExpression, select: input.Select });
        return next(args);
      },
      { step: 'initialize', name: 'countReportReads' },
    );
    try {
      await renderTableReport({ dynamo: stack.servers.dynamo, tableName: stack.tableName }, { source: 'test' });
    } finally {
      stack.servers.dynamo.middlewareStack.remove('countReportReads');
    }
    console.log(`[report] requests for 10 documents: ${JSON.stringify(calls)}`);
    // Scans, and after each page of byCluster entries (which hold what their readers project, schema.ts) one BatchGet
    // of the documents they name.
    expect(calls.every((call) => call.command === 'ScanCommand' || call.command === 'BatchGetItemCommand')).toBe(true);
    const clusterScans = calls.filter((call) => call.index === 'byCluster').length;
    expect(clusterScans).toBeGreaterThanOrEqual(1);
    expect(calls.filter((call) => call.command === 'BatchGetItemCommand').length).toBeLessThanOrEqual(clusterScans);
    // Every Scan of the table itself is filtered to the documents no index holds, or only counts the objects in
    // progress (object items are in no index; Select COUNT returns none of them).
    const tableScans = calls.filter((call) => call.command === 'ScanCommand' && call.index === undefined);
    const documentScans = tableScans.filter((call) => call.filter?.includes('<> :recorded'));
    const objectCounts = tableScans.filter((call) => call.select === 'COUNT' && call.filter?.startsWith('sk = :object'));
    expect(documentScans.length).toBeGreaterThanOrEqual(1);
    expect(objectCounts.length).toBeGreaterThanOrEqual(1);
    expect(documentScans.length + objectCounts.length).toBe(tableScans.length);
  });
});

describe('at scale', () => {
  it('the file grows linearly with the documents (bytes per document stated in the README)', async () => {
    const sizes: Record<number, number> = {};
    for (const count of [1_000, 10_000]) {
      const data = await buildReportData(syntheticSource(syntheticDocuments(count)), { source: 'synthetic', now: () => new Date(0) });
      sizes[count] = Buffer.byteLength(renderReportHtml(data));
    }
    const shell = Buffer.byteLength(renderReportHtml(await buildReportData(syntheticSource([]), { source: 'synthetic', now: () => new Date(0) })));
    const perDocument = (count: number) => (sizes[count]! - shell) / count;
    console.log(`[report] page without data ${shell} B; bytes per document: ${perDocument(1_000).toFixed(0)} at 1,000, ${perDocument(10_000).toFixed(0)} at 10,000`);
    expect(perDocument(10_000) / perDocument(1_000)).toBeGreaterThan(0.9);
    expect(perDocument(10_000) / perDocument(1_000)).toBeLessThan(1.1);
    expect(perDocument(10_000)).toBeLessThan(500);
  });

  it('100,000 documents: the page renders 50 clusters at a time, opens one, filters, pages on', async () => {
    const documents = syntheticDocuments(100_000);
    const data = await buildReportData(syntheticSource(documents), { source: 'synthetic', now: () => new Date(0) });
    const file = join(dir, 'large.html');
    const html = renderReportHtml(data);
    writeFileSync(file, html);
    console.log(`[report] 100,000 documents: ${data.clusters.length} clusters, ${(html.length / 1e6).toFixed(1)} MB`);
    const { page, errors } = await browser.page();
    await page.goto(pathToFileURL(file).href, { timeout: 120_000 });
    expect(await page.locator('[data-count="pages"] .value').textContent()).toBe('100,000');
    expect(await page.getByTestId('cluster-header').count()).toBe(50);
    // The DOM holds the current page only, not 100,000 rows.
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(2_000);
    expect(await page.locator('#page-status').textContent()).toBe(`1–50 of ${data.clusters.length.toLocaleString('en')}`);
    await page.locator('#next').click();
    expect(await page.locator('#page-status').textContent()).toBe(`51–100 of ${data.clusters.length.toLocaleString('en')}`);
    await page.getByTestId('cluster-header').first().click();
    expect(await page.locator('svg.timeline').count()).toBe(1);
    const someKey = documents.find((document) => document.status === 'recorded' && document.isOriginal === false)!.key;
    await page.locator('#filter').fill(someKey);
    await expect.poll(() => page.getByTestId('cluster-header').count(), { timeout: 20_000 }).toBe(1);
    expect(errors).toEqual([]);
  }, 180_000);
});

describe('local serves the report live', () => {
  it('at http://127.0.0.1:PORT/, re-read on each load; SIGTERM stops every server and exits 0', async () => {
    const bin = join(import.meta.dirname, '../../bin/archive-dedup.mjs');
    const child = spawn(process.execPath, [bin, 'local', '--s3-port', '0', '--dynamo-port', '0', '--report-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => out, { timeout: 60_000 }).toContain('Ready.');
      const url = /Report \(HTML\): +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      const s3 = /S3 \(s3rver\): +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url).toBeDefined();
      expect(out).toContain('npx archive-dedup duplicates');

      const { page, errors } = await browser.page();
      await page.goto(url!);
      expect(await page.locator('[data-count="pages"] .value').textContent()).toBe('0');
      // Upload through the running stack's S3, then reload: the new page is in the report.
      const s3Client = localS3Client(s3!);
      await s3Client.send(new PutObjectCommand({ Bucket: 'raw-pages', Key: 'pages/ferry.txt', Body: readFileSync(join(import.meta.dirname, '../../samples/harbour-ferry.txt')) }));
      s3Client.destroy();
      await expect
        .poll(async () => {
          await page.reload();
          return page.locator('[data-count="pages"] .value').textContent();
        }, { timeout: 30_000 })
        .toBe('1');
      expect(errors).toEqual([]);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('stopping (SIGTERM)');
      // The port is free again.
      await expect(assertPortFree('127.0.0.1', Number(new URL(url!).port))).resolves.toBeUndefined();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
