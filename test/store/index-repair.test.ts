/**
 * A run that fails between its writes must be finished by the redelivery of the event, or by the next upload of the
 * same bytes: the document ends findable, in its near-duplicate cluster, with no orphan band item and no ghost label.
 * A new page writes its band items, then its cluster's root and member log, then its document last (documents.ts
 * recordFresh); a merge relabels members one by one. Faults are injected with SDK middleware on the store's own
 * client, once, for exactly one command.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../local/servers.ts';
import { createStore, StoreError, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { bandPartitions } from '../../functions/store/keys.ts';
import { failOnce } from '../support/fail-once.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { ARTICLE_A, ARTICLE_B, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const BASE = '51e8a7c30f96d2b4';

let servers: LocalServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

let sequence = 0x900;
const ref = (key: string): ObjectRef => {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16), eTag: `etag-${sequence}`, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
};
const docIdOf = (key: string): string => `${BUCKET}/${key}`;

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(servers.dynamo).send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** Every recorded document has its band items and a label whose cluster is recorded and unmerged (a lone document has no root record); every band item is live. */
function checkIndex(items: Record<string, unknown>[]): { orphanBands: number; unindexed: string[]; ghosts: string[]; staleLabels: string[] } {
  const documents = new Map(items.filter((item) => item.sk === 'DOC').map((item) => [String(item.docId), item]));
  const roots = new Map(items.filter((item) => item.sk === 'CLUSTER').map((item) => [String(item.clusterId), item]));
  const bands = items.filter((item) => String(item.pk).startsWith('BAND#'));
  const recorded = [...documents.values()].filter((doc) => doc.status === 'recorded');
  return {
    orphanBands: bands.filter((band) => documents.get(String(band.docId))?.simhash !== band.simhash).length,
    unindexed: recorded.filter((doc) => bandPartitions(String(doc.simhash)).some((pk) => !bands.some((band) => band.pk === pk && band.docId === doc.docId))).map((doc) => String(doc.docId)),
    ghosts: recorded.filter((doc) => documents.get(String(doc.clusterId))?.status !== 'recorded').map((doc) => String(doc.docId)),
    staleLabels: recorded.filter((doc) => (doc.clusterId !== doc.docId && !roots.has(String(doc.clusterId))) || roots.get(String(doc.clusterId))?.mergedInto !== undefined).map((doc) => String(doc.docId)),
  };
}

const CLEAN = { orphanBands: 0, unindexed: [], ghosts: [], staleLabels: [] };

describe('a new page whose run failed between its writes is finished by the redelivery', () => {
  const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06' });
  const copy = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [7]), claimed: '2019-02-01' });
  const later = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [50]), claimed: '2020-03-01' });

  const copyId = docIdOf('copy.html');
  const bandBatch = (command: string, input: string): boolean => command.startsWith('BatchWrite') && input.includes('BAND#') && input.includes(copyId);
  const memberWrite = (command: string, input: string): boolean => command.startsWith('UpdateItem') && input.includes(`MEMBER#${copyId}`);
  const documentPut = (command: string, input: string): boolean => command.startsWith('Put') && input.includes(`DOC#${copyId}`);
  /** What the failed run left: no document, or its document (recorded and settled: the Put is its last write). */
  type Left = 'no document' | 'recorded';
  const cases: { name: string; when: 'before' | 'after'; matches: typeof bandBatch; left: Left; then: 'redelivery' | 'same bytes uploaded again' }[] = [
    { name: '500 on the band BatchWriteItem, then the redelivery', when: 'before', matches: bandBatch, left: 'no document', then: 'redelivery' },
    { name: 'handler killed after the member write (no document yet), then the redelivery', when: 'after', matches: memberWrite, left: 'no document', then: 'redelivery' },
    { name: 'handler killed after the document PutItem, then the redelivery', when: 'after', matches: documentPut, left: 'recorded', then: 'redelivery' },
    { name: '500 on the document PutItem (message dead-lettered), then the same bytes uploaded again', when: 'before', matches: documentPut, left: 'no document', then: 'same bytes uploaded again' },
  ];
  for (const testCase of cases) {
    it(`${testCase.name}: findable, in its near-duplicate cluster, no orphan or ghost; later near-duplicates join`, async () => {
      const table = await freshTable(servers, 'repair');
      const client = localDynamoClient(servers.dynamoEndpoint);
      const fault = failOnce(client, testCase.when, testCase.matches);
      const store: Store = createStore({ client, tableName: table, config: { maxDistance: 3, minSimilarity: 0.5 } });
      try {
        await store.recordDocument(ref('original.html'), original);
        const copyEvent = ref('copy.html');
        await expect(store.recordDocument(copyEvent, copy)).rejects.toThrow(testCase.when === 'before' ? StoreError : /handler killed/);
        expect(fault.fired()).toBe(true);
        // Without its document the copy is no candidate (its band items, if written, match nothing); with it, it is one.
        expect((await store.getDocument(copyId))?.status).toBe(testCase.left === 'recorded' ? 'recorded' : undefined);
        const found = (await store.findCandidates({ simhash: BASE, sketch: original.sketch })).map((candidate) => candidate.docId);
        expect(found.includes(copyId)).toBe(testCase.left === 'recorded');

        const retry = testCase.then === 'redelivery' ? copyEvent : ref('copy.html');
        expect(await store.recordDocument(retry, copy)).toMatchObject({
          outcome: testCase.left === 'recorded' ? 'unchanged' : 'recorded',
          clusterId: docIdOf('original.html'),
          isOriginal: false,
        });
        expect((await store.findCandidates({ simhash: BASE, sketch: original.sketch })).map((candidate) => candidate.docId)).toContain(copyId);
        expect(await store.recordDocument(ref('later.html'), later)).toMatchObject({ outcome: 'recorded', clusterId: docIdOf('original.html') });
        expect((await store.documentsInCluster(copyId)).map((doc) => doc.docId)).toEqual(['original.html', 'copy.html', 'later.html'].map(docIdOf));

        // Settled: further redeliveries change nothing.
        const settled = await scan(table);
        expect(settled.find((item) => item.pk === `CLUSTER#${docIdOf('original.html')}` && item.sk === 'CLUSTER')?.mergedInto).toBeUndefined();
        expect((await store.recordDocument(retry, copy)).outcome).toBe('unchanged');
        expect(await store.assignCluster(copyId)).toMatchObject({ clusterId: docIdOf('original.html') });
        expect(await scan(table)).toEqual(settled);
        const index = checkIndex(settled);
        console.log(`index repair, ${testCase.name}: ${settled.length} items, orphan bands ${index.orphanBands}, unindexed ${index.unindexed.length}, ghosts ${index.ghosts.length}, stale labels ${index.staleLabels.length}`);
        expect(index).toEqual(CLEAN);
      } finally {
        client.destroy();
      }
    });
  }
});

describe('a merge killed halfway through relabelling is finished by the redelivery', () => {
  // Bands are 16 bits, most significant first: bit 1 is in band 0, 17 in band 1, 33 in band 2, 49 and 50 in band 3.
  const bridgeHash = BASE;
  const earliest = makeAnalysis({ text: ARTICLE_B, simhash: flipBits(BASE, [49]), claimed: '2018-01-01' });
  const older = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [1]), claimed: '2019-01-01' });
  // Near-duplicate of `older` (shares its band 0), but shares no band with the bridge: only the member log finds it.
  const olderCopy = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: flipBits(BASE, [1, 17, 33, 50]), claimed: '2020-01-01' });
  // Holds both articles: a near-duplicate of `earliest` and of `older` (containment 1, Jaccard about 0.4: the store
  // below lowers minContainedJaccard to 0.3 for it), which are not near-duplicates of each other.
  const bridge = makeAnalysis({ text: `${ARTICLE_A} ${ARTICLE_B}`, simhash: bridgeHash, claimed: '2021-01-01' });

  it('every member of the merged-away cluster ends in the final cluster; nothing stale, nothing written twice', async () => {
    const table = await freshTable(servers, 'merge-repair');
    const client = localDynamoClient(servers.dynamoEndpoint);
    const olderCopyId = docIdOf('older-copy.html');
    // The bridge merges older's cluster into earliest's; the relabel of older-copy fails.
    let armed = false; // only once the bridge arrives: older-copy's own first label must go through
    const fault = failOnce(client, 'before', (command, input) => armed && command.startsWith('UpdateItem') && input.includes(`DOC#${olderCopyId}`) && input.includes('clusterId'));
    const store: Store = createStore({ client, tableName: table, config: { maxDistance: 3, minSimilarity: 0.5, minContainedJaccard: 0.3 } });
    try {
      await store.recordDocument(ref('earliest.html'), earliest);
      await store.recordDocument(ref('older.html'), older);
      expect(await store.recordDocument(ref('older-copy.html'), olderCopy)).toMatchObject({ clusterId: docIdOf('older.html') });
      expect(fault.fired()).toBe(false);

      const bridgeEvent = ref('bridge.html');
      armed = true;
      await expect(store.recordDocument(bridgeEvent, bridge)).rejects.toThrow();
      expect(fault.fired()).toBe(true);
      expect((await store.getDocument(olderCopyId))?.clusterId).toBe(docIdOf('older.html')); // left behind

      expect(await store.recordDocument(bridgeEvent, bridge)).toMatchObject({ outcome: 'unchanged', clusterId: docIdOf('earliest.html') });
      const members = (await store.documentsInCluster(docIdOf('earliest.html'))).map((doc) => doc.docId);
      expect(members).toEqual(['earliest.html', 'older.html', 'older-copy.html', 'bridge.html'].map(docIdOf));
      const settled = await scan(table);
      const index = checkIndex(settled);
      console.log(`merge repair: ${members.length} members in one cluster, stale labels ${index.staleLabels.length}, ghosts ${index.ghosts.length}`);
      expect(index).toEqual(CLEAN);
      // Settled: another redelivery writes nothing.
      expect((await store.recordDocument(bridgeEvent, bridge)).outcome).toBe('unchanged');
      expect(await scan(table)).toEqual(settled);
    } finally {
      client.destroy();
    }
  });
});
