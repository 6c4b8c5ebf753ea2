/** The batch the backfill state machine sends (ItemReader items, raw keys) through the real ingest. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_SOURCE, type BackfillEvent } from '../../functions/ingest/events.ts';
import { createIngest } from '../../functions/ingest/ingest.ts';
import { createStore } from '../../functions/store/index.ts';
import { localS3Client } from '../../local/servers.ts';
import { readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { upload } from './s3-events.ts';

let servers: LocalServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

describe('backfill batches', () => {
  it('records each listed object as its ObjectCreated event would, idempotently; a failed object fails the batch for a retry', async () => {
    const table = await freshTable(servers, 'backfill-event');
    const ingest = createIngest({ s3: servers.s3, dynamo: servers.dynamo, tableName: table });
    const store = createStore({ client: servers.dynamo, tableName: table });
    const key = 'raw/a b+c%.txt';
    const uploaded = await upload(servers.s3, key, readCorpusBytes(...SEED_PAGE));
    // As Step Functions' S3 ItemReader lists it: quoted Etag, epoch-second LastModified, the key as is.
    const event: BackfillEvent = {
      source: BACKFILL_SOURCE,
      bucket: 'raw-pages',
      Items: [{ Key: key, Size: uploaded.s3.object.size, Etag: `"${uploaded.s3.object.eTag}"`, LastModified: 1_700_000_000 }],
    };
    expect(await ingest.processEvent(event)).toEqual({ batchItemFailures: [] });
    const recorded = await store.getDocument(`raw-pages/${key}`);
    expect(recorded).toMatchObject({ status: 'recorded', key, sequencer: '0', firstSeen: '2023-11-14T22:13:20.000Z' });
    await ingest.processEvent(event);
    expect(await store.getDocument(`raw-pages/${key}`)).toEqual(recorded);

    const faultyS3 = localS3Client(servers.s3Endpoint);
    const realSend = faultyS3.send.bind(faultyS3) as (command: unknown) => Promise<unknown>;
    faultyS3.send = (async (command: unknown) => {
      if (command instanceof GetObjectCommand) throw Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError', $fault: 'server' });
      return realSend(command);
    }) as S3Client['send'];
    const faulty = createIngest({ s3: faultyS3, dynamo: servers.dynamo, tableName: table });
    await expect(faulty.processEvent({ ...event, Items: [{ Key: 'raw/other.txt', Size: 10 }] })).rejects.toThrow(/backfill: 1 of 1 objects failed:\nraw\/other.txt: S3 GetObject/);
    faultyS3.destroy();
  });
});
