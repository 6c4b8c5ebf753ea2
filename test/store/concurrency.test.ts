import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type ObjectRef } from '../../functions/store/index.ts';
import type { PageAnalysis } from '../../functions/core/types.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { shuffled } from '../support/random.ts';
import { ARTICLE_A, ARTICLE_B, flipBits, makeAnalysis } from './analyses.ts';

const BASE = '9d41c07be3a25f18';
const OTHER = flipBits(BASE, [0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51]);
const NEAR_DUPLICATES = 50;
const UNRELATED = 6;
const WORKERS = 8;
const ROUNDS = 3;

let servers: LocalServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

interface Upload {
  ref: ObjectRef;
  analysis: PageAnalysis;
}

function uploads(seed: number): { all: Upload[]; expectedOriginal: string } {
  // Each near-duplicate differs from BASE in one bit of its own (pairwise 2 bits): every page is a candidate of every other.
  const dates = shuffled(Array.from({ length: NEAR_DUPLICATES }, (_, i) => `2018-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}`), seed);
  const near = dates.map((date, i) => ({
    ref: { bucket: 'raw-pages', key: `near/${i}.html`, sequencer: (0x1000 + i).toString(16), eventTime: '2024-01-01T00:00:00.000Z' },
    analysis: makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [i]), claimed: date }),
  }));
  const earliest = near.reduce((best, upload) => ((upload.analysis.claimedDate?.value ?? '') < (best.analysis.claimedDate?.value ?? '') ? upload : best));
  const unrelated = Array.from({ length: UNRELATED }, (_, i) => ({
    ref: { bucket: 'raw-pages', key: `other/${i}.html`, sequencer: (0x2000 + i).toString(16) },
    analysis: makeAnalysis({ text: ARTICLE_B, simhash: flipBits(OTHER, [i]) }),
  }));
  return { all: shuffled([...near, ...unrelated], seed + 1), expectedOriginal: `raw-pages/${earliest.ref.key}` };
}

describe('clusters converge under concurrent writers (dynalite, conditional writes only)', () => {
  it(`${NEAR_DUPLICATES} near-duplicates through ${WORKERS} concurrent workers end in one cluster with one original, ${ROUNDS} shuffled rounds`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const seed = 1000 + round * 7919;
      const table = await freshTable(servers, `conc${round}`);
      const store = createStore({ client: servers.dynamo, tableName: table, config: { maxDistance: 3, minSimilarity: 0.5 } });
      const { all, expectedOriginal } = uploads(seed);

      const queue = [...all];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          for (let upload = queue.shift(); upload; upload = queue.shift()) await store.recordDocument(upload.ref, upload.analysis);
        }),
      );
      const seconds = (performance.now() - started) / 1000;

      const documents = await Promise.all(all.map((upload) => store.getDocument(`raw-pages/${upload.ref.key}`)));
      const nearDocs = documents.filter((doc) => doc?.key.startsWith('near/'));
      const otherDocs = documents.filter((doc) => doc?.key.startsWith('other/'));
      const nearClusters = new Set(nearDocs.map((doc) => doc?.clusterId));
      const originals = nearDocs.filter((doc) => doc?.isOriginal);
      console.log(
        `round ${round} (seed ${seed}): ${all.length} uploads, ${WORKERS} workers, ${seconds.toFixed(2)} s; ` +
          `near-duplicate clusters ${nearClusters.size}, originals ${originals.length}, unrelated clusters ${new Set(otherDocs.map((doc) => doc?.clusterId)).size}`,
      );
      expect([...nearClusters]).toEqual([expectedOriginal]);
      expect(originals.map((doc) => doc?.docId)).toEqual([expectedOriginal]);
      expect(nearDocs.every((doc) => doc?.isOriginal || doc?.duplicateOf === expectedOriginal)).toBe(true);
      const members = await store.documentsInCluster(expectedOriginal);
      expect(members).toHaveLength(NEAR_DUPLICATES);
      expect(members[0]?.docId).toBe(expectedOriginal);
      // The unrelated pages form their own single cluster, never joined with the near-duplicates.
      expect(new Set(otherDocs.map((doc) => doc?.clusterId)).size).toBe(1);
      expect(otherDocs.some((doc) => nearClusters.has(doc?.clusterId))).toBe(false);
    }
  });
});
