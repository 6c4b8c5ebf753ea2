/**
 * Event shapes: what S3 and its wiring really deliver besides a plain notification, each ending as the object's
 * history says. EventBridge S3 events (through the queue and to the function directly, keys not URL-encoded),
 * lifecycle expirations, the s3:TestEvent, an event for another bucket, and S3's 403 for an object deleted before it
 * was read (injected: s3rver never denies). Nothing is dead-lettered and no document appears that should not.
 */
import { CreateBucketCommand, DeleteObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { EventBridgeS3Event } from '../../functions/ingest/events.ts';
import { documentIdFor } from '../../functions/store/index.ts';
import { freshTable, type LocalServers } from '../support/local-servers.ts';
import { nextSequencer, s3Record, sqsEvent, sqsMessage, upload } from '../ingest/s3-events.ts';
import { auditTable, type Expectation } from './audit.ts';
import { addAudit, suiteFigures } from './figures.ts';
import { faultyIngest } from './harness.ts';
import { articleHtml, inventedArticle } from './pages.ts';

const BUCKET = 'raw-pages';
const docIdOf = (key: string): string => documentIdFor(BUCKET, key);
const page = (seed: number): string => articleHtml(`Invented shape report ${seed}`, inventedArticle(seed, 4));

function eventBridge(detailType: 'Object Created' | 'Object Deleted', key: string, reason: string, deletionType?: string): EventBridgeS3Event {
  return {
    version: '0',
    'detail-type': detailType,
    source: 'aws.s3',
    time: new Date().toISOString(),
    region: 'us-east-1',
    detail: { bucket: { name: BUCKET }, object: { key, sequencer: nextSequencer() }, reason, ...(deletionType ? { 'deletion-type': deletionType } : {}) },
  };
}

const DENIED_KEY = 'shapes/deleted before read.html';

export function eventShapeSuite(getServers: () => LocalServers): void {
  describe('event shapes: EventBridge, lifecycle, test events, other buckets, 403 for a deleted object', () => {
    it('each ends as the object history says, nothing dead-lettered, nothing extra recorded', async () => {
      const servers = getServers();
      const table = await freshTable(servers, 'shapes');
      const { ingest, close, failures, s3Faults } = faultyIngest(servers, table, {
        s3: [{
          name: 'GetObject 403 for a deleted object',
          when: 'before',
          matches: (call) => call.command === 'GetObjectCommand' && call.input.Key === DENIED_KEY,
          makeError: () => new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied (injected)', $metadata: { httpStatusCode: 403 } }),
          timesPerTarget: 100,
        }],
      }, { bucket: BUCKET });
      const deliveries: SQSEvent[] = [];
      const direct: Parameters<typeof ingest.processEvent>[0][] = [];

      // EventBridge through the queue, and to the function directly; keys exactly as stored.
      await upload(servers.s3, 'shapes/eventbridge queued +1 100%.html', page(1301));
      deliveries.push({ Records: [sqsMessage(eventBridge('Object Created', 'shapes/eventbridge queued +1 100%.html', 'PutObject'))] });
      await upload(servers.s3, 'shapes/eventbridge direct.html', page(1302));
      direct.push(eventBridge('Object Created', 'shapes/eventbridge direct.html', 'CompleteMultipartUpload'));
      await upload(servers.s3, 'shapes/eventbridge deleted.html', page(1303));
      deliveries.push({ Records: [sqsMessage(eventBridge('Object Created', 'shapes/eventbridge deleted.html', 'PutObject'))] });
      await servers.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'shapes/eventbridge deleted.html' }));
      direct.push(eventBridge('Object Deleted', 'shapes/eventbridge deleted.html', 'DeleteObject', 'Delete Marker Created'));
      // Lifecycle expirations are removals.
      for (const [key, eventName] of [['shapes/expired.html', 'LifecycleExpiration:Delete'], ['shapes/expired marker.html', 'LifecycleExpiration:DeleteMarkerCreated']] as const) {
        deliveries.push(sqsEvent([await upload(servers.s3, key, page(1304 + key.length))]));
        await servers.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
        deliveries.push(sqsEvent([s3Record({ key, eventName })]));
      }
      // The s3:TestEvent, through the queue and directly: skipped.
      const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent' as const, Time: new Date().toISOString(), Bucket: BUCKET };
      deliveries.push({ Records: [sqsMessage(testEvent)] });
      direct.push(testEvent);
      // Another bucket's event: ignored, nothing written.
      await servers.s3.send(new CreateBucketCommand({ Bucket: 'not-watched' })).catch(() => undefined);
      deliveries.push(sqsEvent([await upload(servers.s3, 'shapes/elsewhere.html', page(1310), { bucket: 'not-watched' })]));
      // Deleted before it was read, on a role without ListBucket on the key: 403, then its removal.
      const early = await upload(servers.s3, DENIED_KEY, page(1311));
      await servers.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: DENIED_KEY }));
      deliveries.push(sqsEvent([early]), sqsEvent([s3Record({ key: DENIED_KEY, eventName: 'ObjectRemoved:Delete' })]));

      for (const event of deliveries) expect((await ingest.processEvent(event)).batchItemFailures).toEqual([]);
      for (const event of direct) expect(await ingest.processEvent(event)).toEqual({ batchItemFailures: [] });

      const expectations: Expectation[] = [
        { docId: docIdOf('shapes/eventbridge queued +1 100%.html'), status: 'recorded' },
        { docId: docIdOf('shapes/eventbridge direct.html'), status: 'recorded' },
        { docId: docIdOf('shapes/eventbridge deleted.html'), status: 'deleted' },
        { docId: docIdOf('shapes/expired.html'), status: 'deleted' },
        { docId: docIdOf('shapes/expired marker.html'), status: 'deleted' },
        { docId: docIdOf(DENIED_KEY), status: 'deleted' },
      ];
      // The audit counts any other document (the other bucket's, a key decoded twice) as duplicated.
      const audit = await auditTable(servers.dynamo, table, expectations);
      addAudit(suiteFigures, { ...audit, inputs: deliveries.length + direct.length }, { faultsInjected: s3Faults.injected });
      close();
      expect(audit.problems).toEqual([]);
      expect(Object.fromEntries(failures)).toEqual({});
      expect(s3Faults.injected).toBeGreaterThan(0);
    });
  });
}
