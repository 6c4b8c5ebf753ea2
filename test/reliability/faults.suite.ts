/**
 * Faults: DynamoDB throttling and 5xx, S3 GetObject 500 / SlowDown, a handler killed between two writes. Every
 * record is retried through a LocalQueue (the deployment's maxReceiveCount) and everything must converge: nothing
 * lost, nothing recorded twice, one cluster per family, and no orphan band item turning into a ghost duplicate.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { documentIdFor } from '../../functions/store/index.ts';
import { freshTable, type LocalServers } from '../support/local-servers.ts';
import { s3Record, upload } from '../ingest/s3-events.ts';
import { auditTable, type AuditFigures, type Expectation } from './audit.ts';
import { batchWriteKeys, dynamoErrors, handlerKilled, partitionKeyOf, s3Errors, stringAttribute, type FaultRule, type SdkCall } from './faults.ts';
import { addAudit, suiteFigures } from './figures.ts';
import { drain, faultyIngest } from './harness.ts';
import { inventedArticle, nearDuplicateVariant } from './pages.ts';

const docIdOf = (key: string): string => documentIdFor('raw-pages', key);
const isDocumentKey = (call: SdkCall): boolean => partitionKeyOf(call)?.startsWith('DOC#') ?? false;
const writesBands = (call: SdkCall): boolean => batchWriteKeys(call).some((pk) => pk.startsWith('BAND#'));
/** docIds of the items a BatchWriteItem puts. */
function batchWriteDocIds(call: SdkCall): string[] {
  const requests = Object.values((call.input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>).flat();
  return requests.map((request) => stringAttribute(request.PutRequest?.Item.docId) ?? '');
}

interface Page {
  key: string;
  text: string;
  expectation: Expectation;
}

/** `size` near-duplicate variants of one invented article (one group) and `unrelated` invented pages (each alone). */
function pages(prefix: string, seed: number, size: number, unrelated: number): Page[] {
  const base = inventedArticle(seed);
  const family = Array.from({ length: size }, (_, i) => ({ key: `${prefix}/family-${i}.txt`, text: nearDuplicateVariant(base, i), group: `${prefix}-family` }));
  const others = Array.from({ length: unrelated }, (_, i) => ({ key: `${prefix}/other-${i}.txt`, text: inventedArticle(seed + 1000 + i), group: undefined }));
  return [...family, ...others].map((page) => ({ key: page.key, text: page.text, expectation: { docId: docIdOf(page.key), status: 'recorded', group: page.group } }));
}

async function uploadAll(servers: LocalServers, list: Page[]): Promise<S3EventRecord[]> {
  const records: S3EventRecord[] = [];
  for (const page of list) records.push(await upload(servers.s3, page.key, page.text, { contentType: 'text/plain' }));
  return records;
}

function report(name: string, audit: AuditFigures, faults: number, deadLetters: number): void {
  addAudit(suiteFigures, audit, { faultsInjected: faults, deadLetters });
  console.log(`faults, ${name}: ${audit.inputs} uploads, ${faults} faults injected, ${deadLetters} dead letters, lost ${audit.lost}, split ${audit.split}, ghosts ${audit.ghosts}, orphan bands ${audit.orphanBands}`);
  if (audit.problems.length > 0) console.log(`  ${audit.problems.join('\n  ')}`);
}

const noFailures = (audit: AuditFigures) => ({ lost: audit.lost, duplicated: audit.duplicated, split: audit.split, joined: audit.joined, ghosts: audit.ghosts });
const NONE = { lost: 0, duplicated: 0, split: 0, joined: 0, ghosts: 0 };

export function faultSuite(getServers: () => LocalServers): void {
  describe('faults: retried records converge', () => {
    it('DynamoDB throttling and 5xx on reads, writes and labels, S3 500 / SlowDown: all recorded, one cluster per family', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'faults');
      const list = pages('throttled', 500, 12, 18);
      const records = await uploadAll(servers, list);
      const s3Faulted = new Set(list.filter((_, i) => i % 2 === 0).map((page) => page.key));
      // Faults hit once per target, but targets are shared: band partitions by a whole family, and a merge relabels
      // other members' documents. So one record can meet more faults than its own 3; 8 receives bound that here.
      const faulty = faultyIngest(servers, table, {
        s3: [
          { name: 'GetObject 500', when: 'before', timesPerTarget: 1, makeError: s3Errors.internalError, matches: (call) => call.command === 'GetObjectCommand' && s3Faulted.has(String(call.input.Key)) && String(call.input.Key).includes('family'), targetOf: (call) => String(call.input.Key) },
          { name: 'GetObject SlowDown', when: 'before', timesPerTarget: 1, makeError: s3Errors.slowDown, matches: (call) => call.command === 'GetObjectCommand' && s3Faulted.has(String(call.input.Key)), targetOf: (call) => String(call.input.Key) },
        ],
        dynamo: [
          { name: 'document PutItem throttled', when: 'before', timesPerTarget: 1, makeError: dynamoErrors.provisionedThroughputExceeded, matches: (call) => call.command === 'PutItemCommand' && isDocumentKey(call) && !s3Faulted.has(String(partitionKeyOf(call)).replace('DOC#raw-pages/', '')), targetOf: partitionKeyOf },
          { name: 'band Query throttled', when: 'before', timesPerTarget: 1, makeError: dynamoErrors.throttling, matches: (call) => call.command === 'QueryCommand', targetOf: (call) => stringAttribute((call.input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':pk']) ?? '' },
          { name: 'label UpdateItem 500', when: 'before', timesPerTarget: 1, makeError: dynamoErrors.internalServerError, matches: (call) => call.command === 'UpdateItemCommand' && isDocumentKey(call) && String(call.input.UpdateExpression).includes('clusterId'), targetOf: partitionKeyOf },
        ],
      });
      const deadLetters = await drain(faulty.ingest, records, { maxReceiveCount: 8 });
      const audit = await auditTable(servers.dynamo, table, list.map((page) => page.expectation));
      report('throttling and 5xx', audit, faulty.faultsInjected, deadLetters.length);
      faulty.close();
      expect(faulty.faultsInjected).toBeGreaterThan(list.length);
      expect(deadLetters.map((letter) => letter.lastError)).toEqual([]);
      expect(noFailures(audit)).toEqual(NONE);
    });

    it('handler killed after the index write, before labelling: redelivery finishes the clustering', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'killed-after-index');
      const list = pages('killed', 600, 8, 4);
      const records = await uploadAll(servers, list);
      const faulty = faultyIngest(servers, table, {
        dynamo: [{ name: 'killed after band BatchWrite', when: 'after', timesPerTarget: 1, makeError: handlerKilled('after the band items were written'), matches: writesBands, targetOf: (call) => batchWriteDocIds(call).join() }],
      });
      const deadLetters = await drain(faulty.ingest, records);
      const audit = await auditTable(servers.dynamo, table, list.map((page) => page.expectation));
      report('killed after index write', audit, faulty.faultsInjected, deadLetters.length);
      faulty.close();
      expect(faulty.faultsInjected).toBe(list.length);
      expect(deadLetters.map((letter) => letter.lastError)).toEqual([]);
      expect(noFailures(audit)).toEqual(NONE);
    });

    it('5xx on the index write after the document is written: redelivery still converges, and later near-duplicates are not blocked', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'index-5xx');
      const list = pages('index5xx', 700, 6, 3);
      const [first, ...rest] = list;
      const firstDocId = first?.expectation.docId;
      // Only the first family member's index write fails (once); the others arrive after it settled.
      const faulty = faultyIngest(servers, table, {
        dynamo: [{ name: 'band BatchWrite 500', when: 'before', timesPerTarget: 1, makeError: dynamoErrors.internalServerError, matches: (call) => writesBands(call) && batchWriteDocIds(call).includes(String(firstDocId)) }],
      });
      const deadFirst = await drain(faulty.ingest, await uploadAll(servers, [first as Page]));
      const deadRest = await drain(faulty.ingest, await uploadAll(servers, rest));
      const deadLetters = [...deadFirst, ...deadRest];
      const audit = await auditTable(servers.dynamo, table, list.map((page) => page.expectation));
      report('5xx on the index write', audit, faulty.faultsInjected, deadLetters.length);
      faulty.close();
      expect(faulty.faultsInjected).toBe(1);
      expect(deadLetters.map((letter) => letter.lastError)).toEqual([]);
      expect(noFailures(audit)).toEqual(NONE);
    });

    it('killed after a delete tombstone or a rejected overwrite, before band cleanup: orphan bands make no ghost duplicate', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'orphans');
      const deletedText = inventedArticle(800);
      const overwrittenText = inventedArticle(801);
      const faulty = faultyIngest(servers, table, {
        dynamo: [
          { name: 'killed after tombstone', when: 'after', timesPerTarget: 1, makeError: handlerKilled('after the delete tombstone'), matches: (call) => call.command === 'UpdateItemCommand' && isDocumentKey(call) && String(call.input.UpdateExpression).includes(':deleted') },
          { name: 'killed after rejected overwrite', when: 'after', timesPerTarget: 1, makeError: handlerKilled('after the rejected overwrite'), matches: (call) => call.command === 'PutItemCommand' && isDocumentKey(call) && stringAttribute((call.input.Item as Record<string, unknown>).status) === 'rejected' },
        ],
      });
      const dead = [...(await drain(faulty.ingest, [await upload(servers.s3, 'orphans/deleted.txt', deletedText), await upload(servers.s3, 'orphans/overwritten.txt', overwrittenText)]))];
      await servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: 'orphans/deleted.txt' }));
      dead.push(...(await drain(faulty.ingest, [s3Record({ key: 'orphans/deleted.txt', eventName: 'ObjectRemoved:Delete' }), await upload(servers.s3, 'orphans/overwritten.txt', '')])));
      // Near-duplicates of the two pages that are no longer recorded: each must be an original of its own.
      dead.push(...(await drain(faulty.ingest, [await upload(servers.s3, 'orphans/after-delete.txt', nearDuplicateVariant(deletedText, 1)), await upload(servers.s3, 'orphans/after-overwrite.txt', nearDuplicateVariant(overwrittenText, 1))])));
      const expectations: Expectation[] = [
        { docId: docIdOf('orphans/deleted.txt'), status: 'deleted' },
        { docId: docIdOf('orphans/overwritten.txt'), status: 'rejected', reasonCode: 'empty' },
        { docId: docIdOf('orphans/after-delete.txt'), status: 'recorded' },
        { docId: docIdOf('orphans/after-overwrite.txt'), status: 'recorded' },
      ];
      const audit = await auditTable(servers.dynamo, table, expectations);
      report('orphan bands', audit, faulty.faultsInjected, dead.length);
      faulty.close();
      expect(faulty.faultsInjected).toBe(2);
      expect(dead.map((letter) => letter.lastError)).toEqual([]);
      expect(noFailures(audit)).toEqual(NONE);
    });

    it('object deleted before it is read: the create is skipped as missing and the delete leaves a tombstone', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'gone');
      const created = await upload(servers.s3, 'gone/page.txt', inventedArticle(900));
      await servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: 'gone/page.txt' }));
      const faulty = faultyIngest(servers, table);
      expect((await faulty.ingest.processS3Record(created)).outcome).toBe('missing');
      const dead = await drain(faulty.ingest, [s3Record({ key: 'gone/page.txt', eventName: 'ObjectRemoved:Delete' }), created]);
      const audit = await auditTable(servers.dynamo, table, [{ docId: docIdOf('gone/page.txt'), status: 'deleted' }]);
      report('deleted before read', audit, 0, dead.length);
      faulty.close();
      expect(dead).toEqual([]);
      expect(noFailures(audit)).toEqual(NONE);
    });
  });
}
