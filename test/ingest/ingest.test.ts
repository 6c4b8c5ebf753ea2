import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIngest, type Ingest } from '../../functions/ingest/ingest.ts';
import { createStore, type Store } from '../../functions/store/index.ts';
import { localS3Client } from '../../local/servers.ts';
import { readCorpusBytes, readCorpusJson, SEED_PAGE } from '../support/corpus.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { s3Record, sqsEvent, sqsMessage, upload } from './s3-events.ts';

const env = useFreshTables('ingest');
let ingest: Ingest;
let store: Store;

beforeEach(async () => {
  ingest = createIngest({ s3: env.servers.s3, dynamo: env.servers.dynamo, tableName: env.table });
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
});

const seedText = (): string => readCorpusBytes(...SEED_PAGE).toString('utf8');
/** An article from the extraction benchmark, unrelated to the seed page. */
function unrelatedArticle(): string {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  return Object.values(truth).find((entry) => entry.articleBody.length > 3000)?.articleBody ?? '';
}
const at = (minute: number): string => new Date(Date.UTC(2024, 4, 1, 12, minute)).toISOString();

async function scanTable(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('ingest: S3 -> SQS -> handler code, against s3rver and dynalite', () => {
  it('clusters reposts of the seed page under the page that truly dates from April 2018; unrelated pages stay apart', async () => {
    const seed = seedText();
    // The mismatched copy (claims June 2021, covers April 2018) is seen FIRST; the original, dated 2018-04-06, later.
    const copy = await upload(env.servers.s3, 'reposts/seed copy.txt', seed, { eventTime: at(1) });
    const edited = await upload(env.servers.s3, 'reposts/edited.txt', seed.replace('JUNE 2021', 'JULY 2021').replace('besieged', 'encircled'), { eventTime: at(2) });
    const original = await upload(env.servers.s3, 'news/original.txt', seed.replace('JUNE 2021', 'April 6, 2018'), { metadata: { published: '2018-04-06' }, eventTime: at(3) });
    const other = await upload(env.servers.s3, 'news/other.txt', unrelatedArticle(), { eventTime: at(4) });

    const response = await ingest.processEvent(sqsEvent([copy, edited, original, other]));
    expect(response.batchItemFailures).toEqual([]);

    const cluster = await store.documentsInCluster('raw-pages/reposts/seed copy.txt');
    expect(cluster.map((doc) => doc.key).sort()).toEqual(['news/original.txt', 'reposts/edited.txt', 'reposts/seed copy.txt']);
    expect(cluster[0]).toMatchObject({ key: 'news/original.txt', isOriginal: true, dateMismatch: false });
    const mismatched = await store.getDocument('raw-pages/reposts/seed copy.txt');
    expect(mismatched).toMatchObject({ duplicateOf: 'raw-pages/news/original.txt', dateMismatch: true, isOriginal: false });
    console.log(`seed repost: distance ${mismatched?.distance}, similarity ${mismatched?.similarity?.toFixed(3)}, evidence: ${mismatched?.dateEvidence}`);
    expect(await store.getDocument('raw-pages/news/other.txt')).toMatchObject({ clusterId: 'raw-pages/news/other.txt', isOriginal: true });
    expect((await store.listMismatches()).map((doc) => doc.key)).toContain('reposts/seed copy.txt');
  });

  it('redelivering the same event three times leaves identical items', async () => {
    const record = await upload(env.servers.s3, 'page.txt', seedText());
    await ingest.processEvent(sqsEvent([record]));
    const before = await scanTable();
    for (let i = 0; i < 3; i++) expect((await ingest.processEvent(sqsEvent([record]))).batchItemFailures).toEqual([]);
    expect(await scanTable()).toEqual(before);
    expect((await ingest.processS3Record(record)).outcome).toBe('unchanged');
  });

  it('an overwrite with new content re-fingerprints; ObjectRemoved marks the document deleted', async () => {
    const first = await upload(env.servers.s3, 'page.txt', seedText());
    await ingest.processEvent(sqsEvent([first]));
    const before = await store.getDocument('raw-pages/page.txt');
    const second = await upload(env.servers.s3, 'page.txt', unrelatedArticle());
    await ingest.processEvent(sqsEvent([second]));
    const after = await store.getDocument('raw-pages/page.txt');
    expect(after?.contentHash).not.toBe(before?.contentHash);
    expect(after?.simhash).not.toBe(before?.simhash);
    expect(after?.eTag).toBe(second.s3.object.eTag);

    await env.servers.s3.send(new DeleteObjectCommand({ Bucket: 'raw-pages', Key: 'page.txt' }));
    const removal = s3Record({ key: 'page.txt', eventName: 'ObjectRemoved:Delete' });
    await ingest.processEvent(sqsEvent([removal]));
    expect(await store.getDocument('raw-pages/page.txt')).toMatchObject({ status: 'deleted', sequencer: removal.s3.object.sequencer });
    // The create event delivered late (older sequencer, object gone) changes nothing.
    expect(await ingest.processS3Record(second)).toMatchObject({ outcome: 'missing' });
    expect((await store.getDocument('raw-pages/page.txt'))?.status).toBe('deleted');
  });

  it('keys with spaces, +, % and non-ASCII characters round-trip through the event encoding', async () => {
    const key = 'dir/a b+c%d €é 東京.txt';
    const record = await upload(env.servers.s3, key, seedText());
    expect(record.s3.object.key).toBe('dir/a+b%2Bc%25d+%E2%82%AC%C3%A9+%E6%9D%B1%E4%BA%AC.txt');
    await ingest.processEvent(sqsEvent([record]));
    expect(await store.getDocument(`raw-pages/${key}`)).toMatchObject({ key, status: 'recorded' });
  });

  it('records empty and binary inputs as rejected with their reason, without failing the batch', async () => {
    const empty = await upload(env.servers.s3, 'empty.html', '');
    const binary = await upload(env.servers.s3, 'image.html', Uint8Array.from({ length: 2048 }, (_, i) => (i * 73 + 11) % 256));
    const response = await ingest.processEvent(sqsEvent([empty, binary]));
    expect(response.batchItemFailures).toEqual([]);
    const rejected = await Promise.all(['empty.html', 'image.html'].map((key) => store.getDocument(`raw-pages/${key}`)));
    expect(rejected.map((doc) => [doc?.status, doc?.reasonCode])).toEqual([
      ['rejected', 'empty'],
      ['rejected', 'binary'],
    ]);
    expect(rejected.every((doc) => (doc?.reason ?? '').length > 0)).toBe(true);
  });

  it('a record whose S3 read fails is reported in batchItemFailures while the others succeed', async () => {
    const faultyS3 = localS3Client(env.servers.s3Endpoint);
    const realSend = faultyS3.send.bind(faultyS3) as (command: unknown) => Promise<unknown>;
    // s3rver cannot produce a 500 on demand: inject it for one key only.
    faultyS3.send = (async (command: unknown) => {
      if (command instanceof GetObjectCommand && command.input.Key === 'fault.txt') {
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $fault: 'server' });
      }
      return realSend(command);
    }) as S3Client['send'];
    const faulty = createIngest({ s3: faultyS3, dynamo: env.servers.dynamo, tableName: env.table });
    const good = await upload(env.servers.s3, 'good.txt', seedText());
    const bad = await upload(env.servers.s3, 'fault.txt', seedText());
    const event = sqsEvent([good, bad]);
    const response = await faulty.processEvent(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]?.messageId }]);
    expect((await store.getDocument('raw-pages/good.txt'))?.status).toBe('recorded');
    expect(await store.getDocument('raw-pages/fault.txt')).toBeNull();
    faultyS3.destroy();
  });

  it('ignores the s3:TestEvent and accepts a direct S3 event', async () => {
    const testEvent = { Records: [sqsMessage({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: 'raw-pages' })] };
    expect(await ingest.processEvent(testEvent)).toEqual({ batchItemFailures: [] });
    const record = await upload(env.servers.s3, 'direct.txt', seedText());
    expect(await ingest.processEvent({ Records: [record] })).toEqual({ batchItemFailures: [] });
    expect((await store.getDocument('raw-pages/direct.txt'))?.status).toBe('recorded');
  });
});
