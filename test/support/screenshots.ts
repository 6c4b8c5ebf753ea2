/**
 * `npm run screenshots`: the report's main views as PNGs in docs/screenshots/ (linked from the README), from the
 * bundled samples ingested by the embedded stack and opened in headless Chromium (test/support/browser.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { renderTableReport } from '../../local/cli-report.ts';
import { buildSamples } from '../../local/samples.ts';
import { startEmbeddedStack } from '../../local/stack.ts';
import { buildReportData } from '../../local/report-data.ts';
import { renderReportHtml } from '../../local/report-page.ts';
import { launchBrowser } from './browser.ts';
import { syntheticDocuments, syntheticSource } from './synthetic-archive.ts';

const OUT = resolve(import.meta.dirname, '../../docs/screenshots');

const samples = buildSamples();
const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0 });
const work = mkdtempSync(join(tmpdir(), 'archive-dedup-screenshots-'));
const browser = await launchBrowser({ width: 1200, height: 760 });
try {
  for (const name of readdirSync(samples.dir)) {
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: name, Body: readFileSync(join(samples.dir, name)) }));
  }
  await stack.whenIdle();
  const report = await renderTableReport({ dynamo: stack.servers.dynamo, tableName: stack.tableName }, { title: 'archive-dedup run', source: 'the bundled samples (npm start)' });
  const file = join(work, 'report.html');
  writeFileSync(file, report.html);
  mkdirSync(OUT, { recursive: true });

  const { page, errors } = await browser.page();
  await page.goto(pathToFileURL(file).href);
  await page.screenshot({ path: join(OUT, 'overview.png') });

  await page.getByTestId('cluster-header').first().click();
  await page.locator('#cluster-0 g.row.mismatch .claim').click();
  await page.locator('#cluster-0').screenshot({ path: join(OUT, 'cluster-timeline.png') });

  await page.getByRole('tab', { name: /Date mismatches/ }).click();
  await page.screenshot({ path: join(OUT, 'mismatches.png'), fullPage: true });

  await page.getByRole('tab', { name: /All pages/ }).click();
  await page.locator('#filter').fill('repost');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="page-row"]').length < 10);
  await page.screenshot({ path: join(OUT, 'filter.png') });

  // 100,000 generated documents (test/support/synthetic-archive.ts): the same page, 50 clusters at a time.
  const large = join(work, 'large.html');
  writeFileSync(large, renderReportHtml(await buildReportData(syntheticSource(syntheticDocuments(100_000)), { title: 'archive-dedup report', source: '100,000 generated documents' })));
  await page.goto(pathToFileURL(large).href, { timeout: 120_000 });
  await page.getByTestId('cluster-header').nth(2).click();
  await page.screenshot({ path: join(OUT, 'large.png') });

  if (errors.length > 0) throw new Error(`console errors: ${errors.join('; ')}`);
  console.log(`screenshots in ${OUT}: ${readdirSync(OUT).join(', ')}`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(samples.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
