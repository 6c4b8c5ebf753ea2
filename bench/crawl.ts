/**
 * Crawl files through the embedded stack (issue 11), every invocation in a worker thread under the function's timeout
 * and memory, as `archive-dedup run` runs them:
 * - throughput: a WARC of the corpus's real HTML pages (80-120 KB typical), records/s from upload to idle, against
 *   `analyzePage` alone on the same pages in the same run (one thread); target >= 0.7;
 * - redelivery of the finished object (its S3 event again): DynamoDB requests per range; target <= 2;
 * - scale (`npm run bench -- crawl-scale`, not in the default set: about 20 minutes here): a 20,000-record crawl with
 *   --function-timeout 60: wall time, invocations, requests per record.
 * Requests are counted at dynalite (servers.dynamoRequests), so the workers' own clients are counted too.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { analyzePage } from '../functions/core/analyze.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { generatedPages, warcSpecs } from '../test/support/crawl.ts';
import { concatBytes, writeWarc, type WarcRecordSpec } from '../test/support/warc-writer.ts';
import { printTable, verdict } from './support/table.ts';
import { analyzedPerSecond } from './support/timing.ts';
import { corpusHtmlPages } from './support/workload.ts';

const TARGET = { ratio: 0.7, redeliveryRequestsPerRange: 2 } as const;
function analyzeOnlyRecordsPerSecond(specs: WarcRecordSpec[]): number {
  return analyzedPerSecond(specs, (spec) => analyzePage(spec.payload as Uint8Array, { contentType: 'text/html', url: spec.url }));
}

interface CrawlRun {
  records: number;
  bytes: number;
  seconds: number;
  requests: number;
  ranges: number;
}

async function ingestCrawl(stack: EmbeddedStack, key: string, specs: WarcRecordSpec[]): Promise<CrawlRun> {
  // A few hundred records at a time: warcio's digests instantiate WebAssembly per record, and 20,000 at once run out.
  const parts: Uint8Array[] = [];
  for (let at = 0; at < specs.length; at += 200) parts.push((await writeWarc(specs.slice(at, at + 200), true)).bytes);
  const bytes = concatBytes(parts);
  const requestsBefore = stack.servers.dynamoRequests();
  const start = performance.now();
  await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: bytes }));
  await stack.whenIdle();
  const seconds = (performance.now() - start) / 1000;
  const progress = await stack.store.objectProgress(stack.bucket, key);
  if (!progress?.finished || progress.recordsDone !== specs.length) throw new Error(`crawl not complete: ${JSON.stringify(progress)}, dead letters ${stack.deadLetters.length}`);
  return { records: specs.length, bytes: bytes.length, seconds, requests: stack.servers.dynamoRequests() - requestsBefore, ranges: progress.rangesTotal };
}

/** The object's S3 event again (the first one sent for it, of `events`): requests until the stack is idle. */
async function redeliver(stack: EmbeddedStack, events: readonly string[], key: string): Promise<number> {
  const event = events.find((body) => body.includes(JSON.stringify(key).slice(1, -1)));
  if (!event) throw new Error(`no S3 event was sent for ${key}`);
  const before = stack.servers.dynamoRequests();
  stack.send(event);
  await stack.whenIdle();
  return stack.servers.dynamoRequests() - before;
}

export async function benchCrawl(options: { quick?: boolean } = {}): Promise<{ ratio: number; redeliveryPerRange: number }> {
  const specs: WarcRecordSpec[] = corpusHtmlPages()
    .slice(0, options.quick ? 200 : 600)
    .map((page, index) => ({ type: 'response', url: `https://corpus.example/${index}/${page.name}`, date: '2024-05-01T00:00:00Z', httpHeaders: { 'Content-Type': 'text/html' }, payload: new Uint8Array(page.html) }));
  const baseline = analyzeOnlyRecordsPerSecond(specs);
  // Ranges of 2 MB: the crawl is several ranges for the 2 concurrent invocations.
  // The S3 events put on the queue (one per upload; not the ranges and continuations), for the redelivery below.
  const events: string[] = [];
  const onSend = (body: string) => void (body.includes('"Records"') && events.push(body));
  const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, tableName: 'bench-crawl', functionTimeoutSeconds: 60, rangeBytes: 2 * 1024 * 1024, onSend });
  try {
    const run = await ingestCrawl(stack, 'crawls/bench.warc.gz', specs);
    const redeliveryRequests = await redeliver(stack, events, 'crawls/bench.warc.gz');
    const recordsPerSecond = run.records / run.seconds;
    const ratio = recordsPerSecond / baseline;
    const redeliveryPerRange = redeliveryRequests / run.ranges;
    printTable(
      `Crawl file through the embedded stack: ${run.records} records, ${(run.bytes / 1e6).toFixed(1)} MB gzipped WARC, ${run.ranges} ranges, 2 concurrent invocations in worker threads (60 s timeout, 1024 MB)`,
      [
        { measure: 'baseline: analyzePage alone on the same pages, one thread (records/s)', value: baseline },
        { measure: 'upload -> S3 event -> ranges -> invocations -> DynamoDB (records/s)', value: recordsPerSecond },
        { measure: 'ratio to baseline (target >= 0.7)', value: ratio },
        { measure: 'DynamoDB requests per record', value: run.requests / run.records },
        { measure: 'invocations', value: stack.invocations.invocations },
        { measure: 'redelivery of the finished object: DynamoDB requests per range (target <= 2)', value: redeliveryPerRange },
      ],
      `throughput ${verdict(ratio >= TARGET.ratio)}; redelivery ${verdict(redeliveryPerRange <= TARGET.redeliveryRequestsPerRange)} (${redeliveryRequests} requests for ${run.ranges} ranges); ${run.seconds.toFixed(1)} s`,
    );
    return { ratio, redeliveryPerRange };
  } finally {
    await stack.stop();
  }
}

/** 20,000 records (a tenth re-captures) with the deployed defaults: 60 s timeout, 8 MiB ranges, 2 concurrent invocations. */
export async function benchCrawlScale(options: { quick?: boolean } = {}): Promise<void> {
  const pages = generatedPages(options.quick ? 4000 : 20_000, 10, 9);
  const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, tableName: 'bench-crawl-scale', functionTimeoutSeconds: 60 });
  try {
    const run = await ingestCrawl(stack, 'crawls/scale.warc.gz', warcSpecs(pages));
    printTable(`A ${run.records}-record crawl (${(run.bytes / 1e6).toFixed(1)} MB gzipped WARC) through the embedded stack, --function-timeout 60`, [
      { measure: 'wall time (s)', value: run.seconds },
      { measure: 'records/s', value: run.records / run.seconds },
      { measure: 'ranges', value: run.ranges },
      { measure: 'invocations', value: stack.invocations.invocations },
      { measure: 'of which killed at the timeout', value: stack.invocations.timeouts },
      { measure: 'DynamoDB requests per record', value: run.requests / run.records },
      { measure: 'dead letters', value: stack.deadLetters.length },
    ]);
  } finally {
    await stack.stop();
  }
}
