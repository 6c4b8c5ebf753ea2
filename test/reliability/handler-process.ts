/**
 * A Lambda-sized handler process: runs the real ingest over S3 event records through a LocalQueue (batches of 10,
 * one batch at a time like one Lambda instance, retries, dead letters) against servers started by the parent, and
 * prints one JSON line with the outcome and its peak RSS. Started by `runHandlerProcess` with --max-old-space-size.
 *
 * Input (environment): HANDLER_S3_ENDPOINT, HANDLER_DYNAMO_ENDPOINT, HANDLER_TABLE, HANDLER_EVENTS (a JSON file of
 * S3 event records, one SQS message each).
 */
import { readFileSync } from 'node:fs';
import type { S3EventRecord } from 'aws-lambda';
import { createIngest } from '../../functions/ingest/ingest.ts';
import { documentIdFor } from '../../functions/store/index.ts';
import { LocalQueue, type DeadLetter } from '../../local/queue.ts';
import { localDynamoClient, localS3Client } from '../../local/servers.ts';

export interface HandlerProcessResult {
  deadLetters: DeadLetter[];
  /** The last error the ingest reported per docId (for records that failed at least once). */
  failures: Record<string, string>;
  /** The kernel's peak resident set size (VmHWM), or the sampled peak where /proc is missing. */
  peakRssMb: number;
  sampledPeakRssMb: number;
  seconds: number;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this script is started by runHandlerProcess`);
  return value;
}

/** Peak RSS in MB from /proc/self/status (Linux), null elsewhere. */
function kernelPeakRssMb(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const records = JSON.parse(readFileSync(required('HANDLER_EVENTS'), 'utf8')) as S3EventRecord[];
  const s3 = localS3Client(required('HANDLER_S3_ENDPOINT'));
  const dynamo = localDynamoClient(required('HANDLER_DYNAMO_ENDPOINT'));
  const failures: Record<string, string> = {};
  const ingest = createIngest({
    s3,
    dynamo,
    tableName: required('HANDLER_TABLE'),
    observer: { failure: (error, ref) => (failures[documentIdFor(ref.bucket, ref.key)] = error instanceof Error ? `${error.name}: ${error.message}` : String(error)) },
  });

  let sampledPeak = process.memoryUsage().rss;
  // The core is synchronous, so samples miss peaks inside one page; VmHWM does not.
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const queue = new LocalQueue((event) => ingest.processEvent(event), { batchSize: 10, concurrency: 1, maxReceiveCount: 3, retryBackoffMs: 10 });
  for (const record of records) queue.send(JSON.stringify({ Records: [record] }));
  await queue.whenIdle();
  queue.close();
  clearInterval(sampler);
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);

  const sampledPeakRssMb = sampledPeak / 1024 / 1024;
  const result: HandlerProcessResult = {
    deadLetters: queue.deadLetters,
    failures,
    peakRssMb: kernelPeakRssMb() ?? sampledPeakRssMb,
    sampledPeakRssMb,
    seconds: (performance.now() - started) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  s3.destroy();
  dynamo.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`handler process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
