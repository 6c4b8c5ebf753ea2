/**
 * Concurrency: 200 uploads through the embedded stack (s3rver events -> bridge -> LocalQueue -> 8 concurrent handler
 * invocations), 50 of them near-duplicates of one invented page, the other 150 different articles of the extraction
 * benchmark (as HTML or text). Exactly one cluster for the 50, whose one original is their lowest rank; every other page
 * alone. (The store-level case with date verdicts is test/store/concurrency.test.ts; the Lambda entry's own, smaller,
 * test/ingest/handler.test.ts.)
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { documentIdFor } from '../../functions/store/index.ts';
import { startEmbeddedStack } from '../../local/stack.ts';
import { auditTable, scanTable, type Expectation } from './audit.ts';
import { addAudit, suiteFigures } from './figures.ts';
import { seededRandom } from '../support/random.ts';
import { articleHtml, inventedArticle, nearDuplicateVariant, unrelatedCorpusBodies } from './pages.ts';

const NEAR_DUPLICATES = 50;
const UNRELATED = 150;
const HANDLERS = 8;

/** Run `task` over `values`, `limit` at a time. */
export async function eachLimited<T>(values: T[], limit: number, task: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < values.length) await task(values[next++] as T);
  }));
}

export function concurrencySuite(): void {
  describe('concurrency', () => {
    it(`${NEAR_DUPLICATES + UNRELATED} uploads, ${NEAR_DUPLICATES} near-duplicates of one page, ${HANDLERS} concurrent handlers: one cluster, one original, the rest untouched`, async () => {
      const stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0, concurrency: HANDLERS, tableName: 'concurrency' });
      try {
        const base = inventedArticle(4242);
        const uploads: { key: string; body: string; contentType: string; expectation: Expectation }[] = [];
        for (let i = 0; i < NEAR_DUPLICATES; i++) {
          const key = `family/copy-${i}.txt`;
          uploads.push({ key, body: nearDuplicateVariant(base, i), contentType: 'text/plain', expectation: { docId: documentIdFor(stack.bucket, key), status: 'recorded', group: 'family' } });
        }
        unrelatedCorpusBodies(UNRELATED, [base]).forEach((body, i) => {
          const asHtml = i % 2 === 0;
          const key = `other/article-${i}.${asHtml ? 'html' : 'txt'}`;
          uploads.push({ key, body: asHtml ? articleHtml(`Article ${i}`, body) : body, contentType: asHtml ? 'text/html' : 'text/plain', expectation: { docId: documentIdFor(stack.bucket, key), status: 'recorded' } });
        });
        // Interleave the family with the others so near-duplicates land in different concurrent batches.
        const random = seededRandom(2024);
        for (let i = uploads.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [uploads[i], uploads[j]] = [uploads[j] as (typeof uploads)[number], uploads[i] as (typeof uploads)[number]];
        }

        const started = performance.now();
        await eachLimited(uploads, HANDLERS, async (upload) => {
          await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: upload.key, Body: upload.body, ContentType: upload.contentType }));
        });
        await stack.whenIdle();
        const seconds = (performance.now() - started) / 1000;

        const audit = await auditTable(stack.servers.dynamo, stack.tableName, uploads.map((upload) => upload.expectation));
        addAudit(suiteFigures, audit, { deadLetters: stack.deadLetters.length });
        const items = await scanTable(stack.servers.dynamo, stack.tableName);
        const family = items.filter((item) => item.sk === 'DOC' && String(item.key).startsWith('family/'));
        const clusters = new Set(family.map((doc) => doc.clusterId));
        const originals = family.filter((doc) => doc.isOriginal === true);
        console.log(
          `concurrency: ${uploads.length} uploads, ${HANDLERS} handlers, ${seconds.toFixed(1)} s (${(uploads.length / seconds).toFixed(0)} pages/s); ` +
            `family clusters ${clusters.size}, originals ${originals.length}, lost ${audit.lost}, split ${audit.split}, joined ${audit.joined}, dead letters ${stack.deadLetters.length}`,
        );
        if (audit.problems.length > 0) console.log(`  ${audit.problems.join('\n  ')}`);
        expect(stack.deadLetters.map((letter) => letter.lastError)).toEqual([]);
        expect(family).toHaveLength(NEAR_DUPLICATES);
        expect(clusters.size).toBe(1);
        expect(originals).toHaveLength(1);
        // The original is the family's lowest rank (believed date, then first seen, then docId), whatever the order of arrival.
        const lowestRank = family.reduce((best, doc) => (String(doc.rank) < String(best.rank) ? doc : best));
        expect(originals[0]?.docId).toBe(lowestRank.docId);
        expect([...clusters]).toEqual([lowestRank.docId]);
        expect(audit.problems).toEqual([]);
      } finally {
        await stack.stop();
      }
    });
  });
}
