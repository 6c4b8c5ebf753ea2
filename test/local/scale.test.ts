/**
 * Crawl files through the embedded stack as a user runs it (issue 11): every invocation in a worker thread under a
 * short function timeout, real WARC bytes in s3rver, dynalite. Sizes are kept small for a shared 2-core CI machine;
 * the 20,000-record run is a benchmark (bench/crawl.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { main } from '../../local/cli.ts';
import type { RunReport } from '../../local/report.ts';
import { startEmbeddedStack } from '../../local/stack.ts';
import { generatedPages, warcSpecs } from '../support/crawl.ts';
import { writeWarc } from '../support/warc-writer.ts';

describe('a crawl file through the embedded stack under the function timeout', () => {
  it('a 2,000-record WARC with a 10 s function timeout is ingested completely, every record exactly once', async () => {
    const pages = generatedPages(2000, 0, 31);
    const { bytes } = await writeWarc(warcSpecs(pages), true);
    const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, tableName: 'scale', functionTimeoutSeconds: 10, rangeBytes: 256 * 1024 });
    try {
      await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'crawls/day1.warc.gz', Body: bytes }));
      await stack.whenIdle();
      const documents = await stack.store.documentsOfObject(stack.bucket, 'crawls/day1.warc.gz');
      const progress = await stack.store.objectProgress(stack.bucket, 'crawls/day1.warc.gz');
      console.log(`[scale] ${pages.length} records (${bytes.length} bytes) with a 10 s timeout: ${progress?.rangesTotal} ranges, ${JSON.stringify(stack.invocations)}, dead letters ${stack.deadLetters.length}`);
      expect(stack.deadLetters).toEqual([]);
      expect(progress).toEqual({ recordsDone: pages.length, rangesDone: progress!.rangesTotal, rangesTotal: Math.ceil(bytes.length / (256 * 1024)), finished: true });
      expect(documents).toHaveLength(pages.length);
      expect(new Set(documents.map((document) => document.docId)).size).toBe(pages.length);
      expect(documents.every((document) => document.status === 'recorded')).toBe(true);
      // At least one invocation per range. Whether a range also needs a continuation depends on the machine's speed
      // (wall time), so it is not asserted here: test/ingest/ranges.test.ts proves continuations with a deterministic kill.
      expect(stack.invocations.invocations).toBeGreaterThanOrEqual(progress!.rangesTotal);
    } finally {
      await stack.stop();
    }
  }, 600_000);

  it('`run DIR --json --function-timeout 15` on a 1,000-record crawl reports every record and clusters re-captures with their originals', async () => {
    const pages = generatedPages(1000, 10, 41);
    const { bytes, offsets } = await writeWarc(warcSpecs(pages), true);
    const dir = mkdtempSync(join(tmpdir(), 'archive-dedup-scale-'));
    try {
      writeFileSync(join(dir, 'crawl.warc.gz'), bytes);
      const lines: string[] = [];
      expect(await main(['run', dir, '--json', '--function-timeout', '15'], (line) => lines.push(line))).toBe(0);
      const report = JSON.parse(lines[0]!) as RunReport;
      const keyOf = (index: number) => `crawl.warc.gz#@${offsets[index]}`;
      const byKey = new Map(report.documents.map((document) => [document.key, document]));
      const recaptures = pages.flatMap((page, index) => (page.recaptureOf === undefined ? [] : [[index, page.recaptureOf] as const]));
      console.log(`[scale] run --function-timeout 15: ${report.documents.length} documents, ${report.clusters.length} clusters, ${recaptures.length} re-captures, objects ${JSON.stringify(report.objects)}`);
      expect(report.objects).toEqual([{ key: 'crawl.warc.gz', recordsDone: 1000, rangesDone: 1, rangesTotal: 1, finished: true }]);
      expect(report.totals).toMatchObject({ recorded: 1000, failed: 0 });
      expect(report.documents).toHaveLength(1000);
      expect(report.documents.every((document) => document.status === 'recorded')).toBe(true);
      for (const [index, originalIndex] of recaptures) {
        // Same content: one cluster (a record's firstSeen is its WARC-Date: the original is the earliest capture).
        expect(byKey.get(keyOf(index))!.clusterId).toBe(byKey.get(keyOf(originalIndex))!.clusterId);
        expect(byKey.get(keyOf(index))!.clusterId).not.toBeNull();
      }
      expect(report.clusters.length).toBe(new Set(recaptures.map(([, original]) => original)).size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
