/**
 * Store-level convergence under concurrent writers: clusters AND date verdicts (earlier-copy against the original
 * with the earliest believed claim), over 3 shuffled rounds. The same many-writers ground through the embedded stack
 * (bridge, queue, invoker) is test/reliability/concurrency.suite.ts, through the Lambda entry test/ingest/handler.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type ObjectRef } from '../../functions/store/index.ts';
import type { PageAnalysis } from '../../functions/core/types.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { seededRandom, shuffled } from '../support/random.ts';
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

const DAY_MS = 86_400_000;
const GAP_DAYS = 180; // the core's default mismatchGapDays

const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

/**
 * `count` random claimed days over 18 months from the seed (about half end up more than the gap after the earliest),
 * two of them on the edge: exactly the gap after the earliest (not flagged) and one day more (flagged).
 */
function randomDays(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const times = Array.from({ length: count }, () => Date.UTC(2018, 0, 1) + Math.floor(random() * 540) * DAY_MS);
  const earliest = Math.min(...times);
  times[1] = earliest + GAP_DAYS * DAY_MS;
  times[2] = earliest + (GAP_DAYS + 1) * DAY_MS;
  return times.map(isoDay);
}

function uploads(seed: number): { all: Upload[]; expectedOriginal: string; expectedEarlierCopies: Map<string, number> } {
  // Each near-duplicate differs from BASE in one bit of its own (pairwise 2 bits): every page is a candidate of every other.
  const dates = randomDays(NEAR_DUPLICATES, seed);
  const near = dates.map((date, i) => ({
    ref: { bucket: 'raw-pages', key: `near/${i}.html`, sequencer: (0x1000 + i).toString(16), eventTime: '2024-01-01T00:00:00.000Z' },
    analysis: makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [i]), claimed: date }),
  }));
  // The original: earliest believed claim, then (same first-seen time) the lower docId, as the store's rank orders them.
  const rankKey = (upload: Upload): string => `${upload.analysis.claimedDate?.value}#raw-pages/${upload.ref.key}`;
  const earliest = near.reduce((best, upload) => (rankKey(upload) < rankKey(best) ? upload : best));
  // Exactly these are reposts under a later date: claimed more than the gap after the original's claim (docId -> gap days).
  const earliestTime = Date.parse(earliest.analysis.claimedDate!.value);
  const expectedEarlierCopies = new Map(
    near
      .map((upload) => [`raw-pages/${upload.ref.key}`, (Date.parse(upload.analysis.claimedDate!.value) - earliestTime) / DAY_MS] as const)
      .filter(([, gap]) => gap > GAP_DAYS),
  );
  const unrelated = Array.from({ length: UNRELATED }, (_, i) => ({
    ref: { bucket: 'raw-pages', key: `other/${i}.html`, sequencer: (0x2000 + i).toString(16) },
    analysis: makeAnalysis({ text: ARTICLE_B, simhash: flipBits(OTHER, [i]) }),
  }));
  return { all: shuffled([...near, ...unrelated], seed + 1), expectedOriginal: `raw-pages/${earliest.ref.key}`, expectedEarlierCopies };
}

describe('clusters converge under concurrent writers (dynalite, conditional writes only)', () => {
  it(`${NEAR_DUPLICATES} near-duplicates with random claimed dates through ${WORKERS} concurrent workers end in one cluster with one original and exactly the later claims flagged earlier-copy, ${ROUNDS} shuffled rounds`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const seed = 1000 + round * 7919;
      const table = await freshTable(servers, `conc${round}`);
      const store = createStore({ client: servers.dynamo, tableName: table, config: { maxDistance: 3, minSimilarity: 0.5 } });
      const { all, expectedOriginal, expectedEarlierCopies } = uploads(seed);

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

      // Date verdicts converged with the labels: exactly the claims more than the gap after the original's are flagged,
      // each against the original, with the gap in days; nothing else (the pages' own texts carry no dates).
      const flagged = new Map(nearDocs.filter((doc) => doc?.mismatchKinds?.includes('earlier-copy')).map((doc) => [doc!.docId, doc!.earlierCopy?.gapDays]));
      console.log(`round ${round}: earlier-copy ${flagged.size} of ${NEAR_DUPLICATES} (expected ${expectedEarlierCopies.size})`);
      expect(flagged).toEqual(expectedEarlierCopies);
      expect(nearDocs.every((doc) => doc?.dateMismatch === flagged.has(doc!.docId))).toBe(true);
      expect(nearDocs.filter((doc) => flagged.has(doc!.docId)).every((doc) => doc?.earlierCopy?.original === expectedOriginal)).toBe(true);
      expect(nearDocs.filter((doc) => !flagged.has(doc!.docId)).every((doc) => doc?.earlierCopy === undefined && doc?.mismatchKinds?.length === 0)).toBe(true);
      const listed = await store.listMismatches();
      expect(listed.map((doc) => doc.docId).sort()).toEqual([...expectedEarlierCopies.keys()].sort());
      expect(listed.every((doc) => doc.mismatchKinds?.join() === 'earlier-copy')).toBe(true);
    }
  });
});
