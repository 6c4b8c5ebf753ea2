/**
 * Soak (`npm run soak`, not in CI): streams generated pages through the embedded stack (s3rver -> bridge ->
 * LocalQueue -> the ingest -> dynalite), then audits the whole table with the reliability suite's audit and prints
 * its line plus throughput and peak memory. Exit code 1 when anything was lost, duplicated, split or joined.
 *
 *   npm run soak                      10,000 pages, 8 concurrent handlers
 *   SOAK_PAGES=2000 SOAK_CONCURRENCY=4 npm run soak
 *
 * Pages: 30% belong to near-duplicate families (30 variants of one invented article per 100 pages), 2% are bad
 * inputs (empty or binary, to be rejected), the rest are unrelated invented articles. Memory is the RSS of this one
 * process, which also runs both servers.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { documentIdFor } from '../functions/store/index.ts';
import { startEmbeddedStack } from '../local/stack.ts';
import { auditTable, type Expectation } from '../test/reliability/audit.ts';
import { addAudit, emptyFigures, formatFigures } from '../test/reliability/figures.ts';
import { articleHtml, inventedArticle, nearDuplicateVariant } from '../test/reliability/pages.ts';
import { seededRandom } from '../test/support/random.ts';

const PAGES = Number(process.env.SOAK_PAGES ?? process.argv[2] ?? 10_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const UPLOADS_IN_FLIGHT = 16;
if (!Number.isInteger(PAGES) || PAGES <= 0) throw new RangeError(`SOAK_PAGES must be a positive integer, got ${process.env.SOAK_PAGES ?? process.argv[2]}`);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY <= 0) throw new RangeError(`SOAK_CONCURRENCY must be a positive integer, got ${process.env.SOAK_CONCURRENCY}`);

interface GeneratedPage {
  key: string;
  body: Uint8Array | string;
  contentType: string;
  expectation: Omit<Expectation, 'docId'>;
}

const familyBases = new Map<number, string>();
// Bytes, not strings: the SDK treats an empty string body as a stream of unknown length.
const encoder = new TextEncoder();

/** Page `i` of the stream: a family member, a bad input, or an unrelated article (HTML or text). */
function generatePage(i: number): GeneratedPage {
  const block = Math.floor(i / 100);
  if (i % 10 < 3) {
    let base = familyBases.get(block);
    if (!base) familyBases.set(block, (base = inventedArticle(1_000_000 + block)));
    familyBases.delete(block - 1);
    return { key: `soak/family-${block}/copy-${i}.txt`, body: nearDuplicateVariant(base, i % 100), contentType: 'text/plain', expectation: { status: 'recorded', group: `family-${block}` } };
  }
  if (i % 50 === 49) {
    const random = seededRandom(i);
    const binary = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    return i % 100 === 99
      ? { key: `soak/bad/empty-${i}.html`, body: '', contentType: 'text/html', expectation: { status: 'rejected', reasonCode: 'empty' } }
      : { key: `soak/bad/binary-${i}.html`, body: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...binary), contentType: 'text/html', expectation: { status: 'rejected', reasonCode: 'binary' } };
  }
  const text = inventedArticle(i);
  return i % 2 === 0
    ? { key: `soak/pages/${i}.html`, body: articleHtml(`Soak page ${i}`, text), contentType: 'text/html', expectation: { status: 'recorded' } }
    : { key: `soak/pages/${i}.txt`, body: text, contentType: 'text/plain', expectation: { status: 'recorded' } };
}

async function main(): Promise<void> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  // In this process (isolate: false), as the figures in the README were measured: one RSS for everything.
  const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, isolate: false, concurrency: CONCURRENCY, tableName: 'soak' });
  const expectations: Expectation[] = [];
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
        while (next < PAGES) {
          const index = next++;
          const page = generatePage(index);
          expectations.push({ docId: documentIdFor(stack.bucket, page.key), ...page.expectation });
          await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: page.key, Body: typeof page.body === 'string' ? encoder.encode(page.body) : page.body, ContentType: page.contentType }));
          if ((index + 1) % 1000 === 0) process.stderr.write(`soak: ${index + 1} of ${PAGES} uploaded, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
        }
      }),
    );
    await stack.whenIdle();
    const seconds = (performance.now() - started) / 1000;

    const audit = await auditTable(stack.servers.dynamo, stack.tableName, expectations);
    clearInterval(sampler);
    const figures = emptyFigures();
    addAudit(figures, audit, { deadLetters: stack.deadLetters.length });
    figures.peakRssMb = peakRss / 1024 / 1024;
    console.log(`${formatFigures(figures)}; throughput ${(PAGES / seconds).toFixed(1)} pages/s (${PAGES} pages, ${CONCURRENCY} handlers, ${seconds.toFixed(0)} s)`);
    if (audit.problems.length > 0) console.log(`  ${audit.problems.join('\n  ')}`);
    for (const letter of stack.deadLetters.slice(0, 5)) console.log(`  dead letter: ${letter.lastError}`);
    if (audit.lost + audit.duplicated + audit.split + audit.joined + audit.ghosts > 0) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

await main();
