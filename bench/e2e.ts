/**
 * End to end on the embedded stack (local/stack.ts): uploads to s3rver -> S3 event -> queue -> the ingest code the
 * Lambda runs -> dynalite. Every DynamoDB request is counted by an SDK middleware (support/dynamo-meter.ts).
 * Prints pages/s against the baseline of analyzePage alone on the same pages (same run), requests and capacity per
 * page, and the per-request breakdown of a new unique page, a new near-duplicate, an exact duplicate, a re-upload
 * and a redelivery, each run alone, against issue 15's targets (TARGET). Ends with one summary
 * line for checks: `dynamo per page: unique W WRU R RRU; near-duplicate W WRU R RRU; mixed W WRU R RRU`.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { analyzePage } from '../functions/core/analyze.ts';
import { indexLayoutFromEnvironment } from '../functions/ingest/environment.ts';
import { createIngest } from '../functions/ingest/ingest.ts';
import { documentIdFor } from '../functions/store/index.ts';
import { toRealS3Event } from '../local/bridge.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../local/stack.ts';
import { DynamoMeter, readItemSizes, type ItemSizes, type MeterSummary, type RequestRecord } from './support/dynamo-meter.ts';
import { median, printTable, sum, verdict, type Row } from './support/table.ts';
import { analyzedPerSecond } from './support/timing.ts';
import { buildWorkload, corpusHtmlPages, nearDuplicateHtml, type Upload } from './support/workload.ts';

/** Issue 15's targets: write units of a new unique page and a new near-duplicate, the mixed run's units per page, a redelivery's requests. */
const TARGET = { uniqueWriteUnits: 6, nearDuplicateWriteUnits: 10, mixedWriteUnits: 9, mixedReadUnits: 6, redeliveryRequests: 2 } as const;
const UPLOAD_CONCURRENCY = 8;
/** INDEX_LAYOUT=bands4x16 measures another layout than the store's default, as the deployed function would run it. */
const INDEX_LAYOUT = indexLayoutFromEnvironment(process.env);
const HANDLER_CONCURRENCY = 4;

async function forEachLimited<T>(values: T[], limit: number, task: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, async () => {
    while (next < values.length) await task(values[next++]!);
  }));
}

async function upload(stack: EmbeddedStack, key: string, body: Buffer): Promise<void> {
  await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body, ContentType: 'text/html' }));
}

/** Baseline: analyzePage alone on a sample of the same uploads, one after another in this process. */
function computeOnlyPagesPerSecond(uploads: Upload[]): number {
  const sample = uploads.filter((_, index) => index % Math.max(1, Math.floor(uploads.length / 200)) === 0);
  return analyzedPerSecond(sample, (item) => analyzePage(item.body, { fileName: item.key }));
}

interface Detection {
  nearDuplicatesClustered: number;
  nearDuplicates: number;
  copiesClustered: number;
  copies: number;
  rejected: number;
}

async function detection(stack: EmbeddedStack, uploads: Upload[]): Promise<Detection> {
  const db = DynamoDBDocumentClient.from(stack.servers.dynamo);
  const clusterOf = new Map<string, string | undefined>();
  const status = new Map<string, string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey: startKey, FilterExpression: 'sk = :doc', ExpressionAttributeValues: { ':doc': 'DOC' } }));
    for (const item of page.Items ?? []) {
      clusterOf.set(item.docId as string, item.clusterId as string | undefined);
      status.set(item.docId as string, item.status as string);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const idOf = (key: string) => documentIdFor(stack.bucket, key);
  const clustered = (item: Upload) => item.of !== undefined && clusterOf.get(idOf(item.key)) !== undefined && clusterOf.get(idOf(item.key)) === clusterOf.get(idOf(item.of));
  const recordedPairs = (kind: Upload['kind']) => uploads.filter((item) => item.kind === kind && status.get(idOf(item.key)) === 'recorded' && status.get(idOf(item.of!)) === 'recorded');
  const near = recordedPairs('near-duplicate');
  const copies = recordedPairs('exact-duplicate');
  return {
    nearDuplicates: near.length,
    nearDuplicatesClustered: near.filter(clustered).length,
    copies: copies.length,
    copiesClustered: copies.filter(clustered).length,
    rejected: [...status.values()].filter((value) => value === 'rejected').length,
  };
}

interface Case {
  name: string;
  records: RequestRecord[];
}

/** Each case alone on an idle stack, so every request it makes is its own. */
async function runCases(stack: EmbeddedStack, meter: DynamoMeter, page: Buffer): Promise<Case[]> {
  const cases: Case[] = [];
  const measure = async (name: string, run: () => Promise<void>) => {
    const mark = meter.mark();
    await run();
    await stack.whenIdle();
    cases.push({ name, records: meter.since(mark) });
  };
  await measure('new unique page', () => upload(stack, 'case/unique.html', page));
  await measure('new near-duplicate', () => upload(stack, 'case/near.html', nearDuplicateHtml(page)));
  await measure('new exact duplicate (other key)', () => upload(stack, 'case/copy.html', page));
  await measure('same bytes re-uploaded (same key)', () => upload(stack, 'case/unique.html', page));

  // A redelivery: the very event of case/copy.html again (same sequencer), through the same ingest code.
  const db = DynamoDBDocumentClient.from(stack.servers.dynamo);
  const docId = documentIdFor(stack.bucket, 'case/copy.html');
  const stored = await meter.pause(() => db.send(new GetCommand({ TableName: stack.tableName, Key: { pk: `DOC#${docId}`, sk: 'DOC' }, ConsistentRead: true })));
  const event = toRealS3Event({
    Records: [{ eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'case/copy.html', size: page.length, eTag: stored.Item?.eTag as string } } }],
  });
  event.Records[0]!.s3.object.sequencer = stored.Item?.sequencer as string;
  const ingest = createIngest({ s3: stack.servers.s3, dynamo: stack.servers.dynamo, tableName: stack.tableName, indexLayout: INDEX_LAYOUT });
  await measure('redelivery of the same event', async () => {
    const outcome = await ingest.processS3Record(event.Records[0]!);
    if (outcome.outcome !== 'unchanged') throw new Error(`redelivery case: expected outcome 'unchanged', got '${outcome.outcome}'`);
  });
  return cases;
}

function caseRow(name: string, summary: MeterSummary): Row {
  const count = (command: string) => summary.byCommand.find((row) => row.command === `${command}Command`)?.requests ?? 0;
  const failed = sum(summary.byCommand.map((row) => row.conditionFailed));
  return {
    case: name,
    requests: summary.requests,
    Get: count('GetItem'),
    Query: count('Query'),
    BatchGet: count('BatchGetItem'),
    Put: count('PutItem'),
    Update: count('UpdateItem'),
    BatchWrite: count('BatchWriteItem'),
    'cond. failed': failed,
    RRU: summary.readUnits,
    'WRU table': summary.writeUnits - summary.gsiWriteUnits,
    'WRU GSI': summary.gsiWriteUnits,
    'WRU total': summary.writeUnits,
  };
}

function sizeRows(sizes: ItemSizes): Row[] {
  return [...sizes.byKind.entries()].map(([kind, bytes]) => ({ item: kind, count: bytes.length, 'median bytes': median(bytes), 'max bytes': Math.max(...bytes), 'WRU each (median)': Math.ceil(median(bytes) / 1024) }));
}

/** The one line a check can grep: capacity units of a new unique page, a new near-duplicate (each alone) and the mixed run's mean per page. */
export function dynamoSummaryLine(unique: MeterSummary, nearDuplicate: MeterSummary, mixed: MeterSummary, mixedPages: number): string {
  // Whole units where they are whole (eventually consistent reads bill halves), else one decimal.
  const figure = (value: number, digits: number) => (Number.isInteger(value) ? String(value) : value.toFixed(digits));
  const units = (writeUnits: number, readUnits: number, digits: number) => `${figure(writeUnits, digits)} WRU ${figure(readUnits, digits)} RRU`;
  return `dynamo per page: unique ${units(unique.writeUnits, unique.readUnits, 1)}; near-duplicate ${units(nearDuplicate.writeUnits, nearDuplicate.readUnits, 1)}; mixed ${units(mixed.writeUnits / mixedPages, mixed.readUnits / mixedPages, 1)}`;
}

export interface EndToEndResult {
  pagesPerSecond: number;
  newPage: MeterSummary;
  targetMet: boolean;
}

export async function benchEndToEnd(options: { quick?: boolean } = {}): Promise<EndToEndResult> {
  const total = options.quick ? 300 : 2000;
  const [casePage, ...pool] = corpusHtmlPages();
  const uploads = buildWorkload(pool, total);
  const baselinePagesPerSecond = computeOnlyPagesPerSecond(uploads);

  const outcomes = new Map<string, number>();
  // In this process (isolate: false): the meter counts the requests of the ingest's own client.
  const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, isolate: false, concurrency: HANDLER_CONCURRENCY, tableName: 'bench-e2e', indexLayout: INDEX_LAYOUT, onOutcome: (_, outcome) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1) });
  try {
    const meter = new DynamoMeter(stack.servers.dynamo);
    const start = performance.now();
    await forEachLimited(uploads, UPLOAD_CONCURRENCY, (item) => upload(stack, item.key, item.body));
    await stack.whenIdle();
    const seconds = (performance.now() - start) / 1000;
    const bulk = meter.since(0);
    if (stack.deadLetters.length > 0) console.warn(`${stack.deadLetters.length} dead letters, first: ${stack.deadLetters[0]!.lastError}`);
    const found = await meter.pause(() => detection(stack, uploads));
    const cases = await runCases(stack, meter, casePage!.html);
    const sizes = await meter.pause(() => readItemSizes(stack.servers.dynamo, stack.tableName));

    const bulkSummary = meter.summarize(bulk, sizes);
    const pagesPerSecond = uploads.length / seconds;
    printTable(`End to end: ${uploads.length} uploads on the embedded stack (index layout ${INDEX_LAYOUT ?? 'default'}, ${HANDLER_CONCURRENCY} concurrent handlers, one process with s3rver + dynalite)`, [
      { measure: 'baseline: analyzePage alone, one thread (pages/s)', value: baselinePagesPerSecond },
      { measure: 'upload -> event -> handler -> DynamoDB (pages/s)', value: pagesPerSecond },
      { measure: 'ratio to baseline', value: pagesPerSecond / baselinePagesPerSecond },
      { measure: 'DynamoDB requests per page', value: bulkSummary.requests / uploads.length },
      { measure: 'read units per page', value: bulkSummary.readUnits / uploads.length },
      { measure: 'write units per page (table + GSI + failed conditions)', value: bulkSummary.writeUnits / uploads.length },
      { measure: 'of which GSI write units per page', value: bulkSummary.gsiWriteUnits / uploads.length },
    ], `outcomes: ${[...outcomes.entries()].map(([name, count]) => `${name} ${count}`).join(', ')}; near-duplicates clustered with their original ${found.nearDuplicatesClustered}/${found.nearDuplicates}, exact copies ${found.copiesClustered}/${found.copies}; ${seconds.toFixed(1)} s`);
    printTable('DynamoDB requests by command over the whole run', bulkSummary.byCommand.map((row) => ({ command: row.command.replace(/Command$/, ''), requests: row.requests, 'per page': row.requests / uploads.length, 'condition failed': row.conditionFailed, RRU: row.readUnits, WRU: row.writeUnits })));

    const caseSummaries = cases.map((item) => ({ name: item.name, summary: meter.summarize(item.records, sizes) }));
    const newPage = caseSummaries[0]!.summary;
    const near = caseSummaries[1]!.summary;
    const redelivery = caseSummaries[caseSummaries.length - 1]!.summary;
    // Each target once: what it measures, its limit (TARGET) and the measured value; the verdicts and the summary follow.
    const checks = [
      { case: 'unique', unit: 'WRU', limit: TARGET.uniqueWriteUnits, value: newPage.writeUnits },
      { case: 'near-duplicate', unit: 'WRU', limit: TARGET.nearDuplicateWriteUnits, value: near.writeUnits },
      { case: 'mixed', unit: 'WRU/page', limit: TARGET.mixedWriteUnits, value: bulkSummary.writeUnits / uploads.length },
      { case: 'mixed', unit: 'RRU/page', limit: TARGET.mixedReadUnits, value: bulkSummary.readUnits / uploads.length },
      { case: 'redelivery', unit: 'requests', limit: TARGET.redeliveryRequests, value: redelivery.requests },
    ].map((check) => ({ ...check, met: check.value <= check.limit }));
    const targetMet = checks.every((check) => check.met);
    printTable('DynamoDB cost per page by case (each case run alone; units as DynamoDB bills them, see the README, Performance)', caseSummaries.map((item) => caseRow(item.name, item.summary)),
      `targets (issue 15): ${checks.map((check) => `${check.case} <= ${check.limit} ${check.unit} -> ${Number(check.value.toFixed(1))} ${verdict(check.met)}`).join('; ')}`);
    printTable('Item sizes after the run (bytes as DynamoDB counts them)', sizeRows(sizes));
    console.log(dynamoSummaryLine(newPage, caseSummaries[1]!.summary, bulkSummary, uploads.length));
    return { pagesPerSecond, newPage, targetMet };
  } finally {
    await stack.stop();
  }
}
