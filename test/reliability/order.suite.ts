/**
 * Redelivery and order: S3 delivers at least once and in no particular order; the S3 `sequencer` orders the events
 * of one key. The same event three times (in turn and at once), an older create after a newer one, a create after
 * the delete, and a delete before the create must all end as the newest event says.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createStore, documentIdFor } from '../../functions/store/index.ts';
import { freshTable, type LocalServers } from '../support/local-servers.ts';
import { s3Record, sqsEvent, upload } from '../ingest/s3-events.ts';
import { auditTable, scanTable, type Expectation } from './audit.ts';
import { addAudit, suiteFigures } from './figures.ts';
import { faultyIngest } from './harness.ts';
import { inventedArticle } from './pages.ts';

const docIdOf = (key: string): string => documentIdFor('raw-pages', key);
const removal = (key: string) => s3Record({ key, eventName: 'ObjectRemoved:Delete' });

export function orderSuite(getServers: () => LocalServers): void {
  describe('redelivery and order', () => {
    it('the same event three times in turn, then three copies at once: identical items, one document', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'redelivery');
      const { ingest, close } = faultyIngest(servers, table);
      const record = await upload(servers.s3, 'again/page.txt', inventedArticle(1100));
      const twin = await upload(servers.s3, 'again/twin.txt', inventedArticle(1100));
      await ingest.processEvent(sqsEvent([record, twin]));
      const before = await scanTable(servers.dynamo, table);
      for (let i = 0; i < 3; i++) expect((await ingest.processEvent(sqsEvent([record]))).batchItemFailures).toEqual([]);
      const responses = await Promise.all([0, 1, 2].map(() => ingest.processEvent(sqsEvent([record, twin]))));
      expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
      const after = await scanTable(servers.dynamo, table);
      const stable = (items: typeof before) => items.map(({ updatedAt: _updatedAt, mergedAt: _mergedAt, ...item }) => item).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
      expect(stable(after)).toEqual(stable(before));
      const audit = await auditTable(servers.dynamo, table, [
        { docId: docIdOf('again/page.txt'), status: 'recorded', group: 'twins' },
        { docId: docIdOf('again/twin.txt'), status: 'recorded', group: 'twins' },
      ]);
      addAudit(suiteFigures, { ...audit, inputs: 2 * 7 });
      close();
      expect(audit.problems).toEqual([]);
    });

    it('events out of order for one key: an older create after a newer one, a create after the delete, a delete before the create', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'order');
      const { ingest, close } = faultyIngest(servers, table);
      const store = createStore({ client: servers.dynamo, tableName: table });

      // 1. Overwritten: v2's event (newer sequencer) arrives first, v1's after it.
      const v1 = await upload(servers.s3, 'order/overwritten.txt', inventedArticle(1200));
      const v2 = await upload(servers.s3, 'order/overwritten.txt', inventedArticle(1201));
      // 2. Deleted: the delete arrives first, the create after it (object gone).
      const doomed = await upload(servers.s3, 'order/deleted.txt', inventedArticle(1202));
      await servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: 'order/deleted.txt' }));
      const doomedRemoval = removal('order/deleted.txt');
      // 3. Re-created: an old object deleted, then a new upload; the new create arrives before the old delete.
      await upload(servers.s3, 'order/recreated.txt', inventedArticle(1203));
      await servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: 'order/recreated.txt' }));
      const oldRemoval = removal('order/recreated.txt');
      const reborn = await upload(servers.s3, 'order/recreated.txt', inventedArticle(1204));
      // 4. Delete before create, delivered in order: a tombstone first, then the newer create.
      await upload(servers.s3, 'order/tombstone-first.txt', inventedArticle(1205));
      await servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: 'order/tombstone-first.txt' }));
      const firstRemoval = removal('order/tombstone-first.txt');
      const afterTombstone = await upload(servers.s3, 'order/tombstone-first.txt', inventedArticle(1206));

      for (const event of [v2, v1, doomedRemoval, doomed, reborn, oldRemoval, firstRemoval, afterTombstone]) {
        expect((await ingest.processEvent(sqsEvent([event]))).batchItemFailures).toEqual([]);
      }
      expect(await store.getDocument(docIdOf('order/overwritten.txt'))).toMatchObject({ status: 'recorded', eTag: v2.s3.object.eTag, sequencer: v2.s3.object.sequencer });
      expect(await store.getDocument(docIdOf('order/deleted.txt'))).toMatchObject({ status: 'deleted', sequencer: doomedRemoval.s3.object.sequencer });
      expect(await store.getDocument(docIdOf('order/recreated.txt'))).toMatchObject({ status: 'recorded', eTag: reborn.s3.object.eTag });
      expect(await store.getDocument(docIdOf('order/tombstone-first.txt'))).toMatchObject({ status: 'recorded', eTag: afterTombstone.s3.object.eTag });

      const expectations: Expectation[] = [
        { docId: docIdOf('order/overwritten.txt'), status: 'recorded' },
        { docId: docIdOf('order/deleted.txt'), status: 'deleted' },
        { docId: docIdOf('order/recreated.txt'), status: 'recorded' },
        { docId: docIdOf('order/tombstone-first.txt'), status: 'recorded' },
      ];
      const audit = await auditTable(servers.dynamo, table, expectations);
      addAudit(suiteFigures, { ...audit, inputs: 8 });
      close();
      expect(audit.problems).toEqual([]);
    });
  });
}
