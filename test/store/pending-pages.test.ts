/**
 * A new page writes its band items before its document (documents.ts recordFresh), so another page can find its
 * bands while its document is not there yet: a pending page. Nobody waits for it: it gets a join hint at its key
 * (clusters.ts hintPending), so its own document Put fails and it decides again knowing the hinting page. Each case
 * leaves a page pending for real (its handler killed right after its band write), lets a near-duplicate arrive, then
 * redelivers the pending page's event: both must end in one cluster under the earlier original. And a new page whose key
 * gets a newer document while it decides leaves no band item of its own behind.
 */
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../local/servers.ts';
import { createStore, type ObjectRef } from '../../functions/store/index.ts';
import { bandKeys, documentKey } from '../../functions/store/keys.ts';
import { failOnce, interleaveOnce } from '../support/fail-once.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, ARTICLE_B, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const BASE = '51e8a7c30f96d2b4';
const CONFIG = { maxDistance: 3, minSimilarity: 0.5 };
const env = useFreshTables('pending');

let sequence = 0xa00;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${sequence}`, size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}
const docIdOf = (key: string): string => `${BUCKET}/${key}`;
const earlier = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06' });
const later = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [7]), claimed: '2019-02-01' });

/** The raw item at a document's key: a document, a join hint, or nothing. */
async function itemAt(docId: string): Promise<Record<string, unknown> | undefined> {
  return (await DynamoDBDocumentClient.from(env.servers.dynamo).send(new GetCommand({ TableName: env.table, Key: documentKey(docId), ConsistentRead: true }))).Item;
}

/** Records `key` with a handler killed right after its band BatchWriteItem: its bands are there, its document is not. */
async function leavePending(key: string, analysis: ReturnType<typeof makeAnalysis>): Promise<ObjectRef> {
  const client = localDynamoClient(env.servers.dynamoEndpoint);
  const fault = failOnce(client, 'after', (command, input) => command.startsWith('BatchWrite') && input.includes('BAND#') && input.includes(docIdOf(key)));
  const event = ref(key);
  try {
    await expect(createStore({ client, tableName: env.table, config: CONFIG }).recordDocument(event, analysis)).rejects.toThrow(/handler killed/);
    expect(fault.fired()).toBe(true);
  } finally {
    client.destroy();
  }
  expect(await itemAt(docIdOf(key))).toBeUndefined();
  return event;
}

describe('a page found between its band write and its document Put', () => {
  it('of a higher docId: the arriving page hints it and is recorded alone; the redelivery joins them under the earlier original', async () => {
    const store = createStore({ client: env.servers.dynamo, tableName: env.table, config: CONFIG });
    const pendingEvent = await leavePending('z-pending.html', earlier);
    expect(await store.recordDocument(ref('a-arriving.html'), later)).toMatchObject({ outcome: 'recorded', isOriginal: true });
    // Only a join hint at the pending page's key: no document for any reader.
    expect(await itemAt(docIdOf('z-pending.html'))).toMatchObject({ hintedBy: [docIdOf('a-arriving.html')], hintCount: 1 });
    expect(await itemAt(docIdOf('z-pending.html'))).not.toHaveProperty('status');
    expect(await store.getDocument(docIdOf('z-pending.html'))).toBeNull();

    expect(await store.recordDocument(pendingEvent, earlier)).toMatchObject({ outcome: 'recorded', clusterId: docIdOf('z-pending.html'), isOriginal: true });
    const members = await store.documentsInCluster(docIdOf('a-arriving.html'));
    expect(members.map((doc) => doc.docId)).toEqual([docIdOf('z-pending.html'), docIdOf('a-arriving.html')]);
    expect(members[1]).toMatchObject({ isOriginal: false, duplicateOf: docIdOf('z-pending.html') });
  });

  it('of a lower docId: the arriving page puts its document first and hints it after; the redelivery joins them', async () => {
    const store = createStore({ client: env.servers.dynamo, tableName: env.table, config: CONFIG });
    const pendingEvent = await leavePending('a-pending.html', earlier);
    expect(await store.recordDocument(ref('z-arriving.html'), later)).toMatchObject({ outcome: 'recorded', isOriginal: true });
    // Put before it knew its cluster: not settled, a redelivery of it would finish its clustering.
    expect(await itemAt(docIdOf('z-arriving.html'))).not.toHaveProperty('settled');
    expect(await itemAt(docIdOf('a-pending.html'))).toMatchObject({ hintedBy: [docIdOf('z-arriving.html')], hintCount: 1 });

    expect(await store.recordDocument(pendingEvent, earlier)).toMatchObject({ outcome: 'recorded', clusterId: docIdOf('a-pending.html'), isOriginal: true });
    const members = await store.documentsInCluster(docIdOf('z-arriving.html'));
    expect(members.map((doc) => doc.docId)).toEqual([docIdOf('a-pending.html'), docIdOf('z-arriving.html')]);
  });

  it('whose band items are older than pendingAgeOutMs: an orphan of a run that died for good, hinted no more', async () => {
    await leavePending('z-pending.html', earlier);
    const muchLater = createStore({ client: env.servers.dynamo, tableName: env.table, config: CONFIG, now: () => new Date(Date.now() + 31 * 60_000) });
    expect(await muchLater.recordDocument(ref('a-arriving.html'), later)).toMatchObject({ outcome: 'recorded', isOriginal: true });
    expect(await itemAt(docIdOf('z-pending.html'))).toBeUndefined();
    expect(await itemAt(docIdOf('a-arriving.html'))).toMatchObject({ settled: true });
  });

  it('a new page whose key gets a newer document while it decides: stale, and its band items go, but those the newer one shares', async () => {
    const store = createStore({ client: env.servers.dynamo, tableName: env.table, config: CONFIG });
    const olderEvent = ref('page.html');
    const newerEvent = ref('page.html');
    const other = makeAnalysis({ text: ARTICLE_B, simhash: flipBits(BASE, [0, 1, 2, 16, 17, 18]) }); // shares band 3 (bit i is in band i mod 4)
    const client = localDynamoClient(env.servers.dynamoEndpoint);
    // The newer event is recorded right after the older one wrote its band items, before its document Put.
    const newer = interleaveOnce(client, (command, input) => command.startsWith('BatchWrite') && input.includes('BAND#'), () => store.recordDocument(newerEvent, other));
    try {
      expect(await createStore({ client, tableName: env.table, config: CONFIG }).recordDocument(olderEvent, earlier)).toMatchObject({ outcome: 'stale' });
      expect(newer.ran()).toBe(true);
    } finally {
      client.destroy();
    }
    expect(await store.getDocument(docIdOf('page.html'))).toMatchObject({ simhash: other.simhash, sequencer: newerEvent.sequencer });
    const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
    const bands = Items.filter((item) => String(item.pk).startsWith('BAND#')).map((item) => `${item.pk}|${item.sk}|${item.simhash}`);
    expect(bands.sort()).toEqual(bandKeys(other.simhash, docIdOf('page.html')).map((key) => `${key.pk}|${key.sk}|${other.simhash}`).sort());
    // The older content's fingerprint finds nothing at that key any more.
    expect(await store.findCandidates({ simhash: earlier.simhash, sketch: earlier.sketch })).toEqual([]);
  });
});
