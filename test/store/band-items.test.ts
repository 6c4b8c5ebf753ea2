/**
 * Band items without the sketch (issue 15): a lookup keeps the band items within the decision's SimHash distance and
 * judges them with their documents' sketches, which the clustering reads anyway. The candidates are those the former
 * band items (sketch and rank on every one) gave: the core's decision on the same two fingerprints.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoMeter } from '../../bench/support/dynamo-meter.ts';
import { compareFingerprints } from '../../functions/core/fingerprint.ts';
import { createStore, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { bandKeys } from '../../functions/store/keys.ts';
import { itemSizeBytes } from '../../functions/store/limits.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BASE = '3c5a9f00e1b2d4c6';
const BUCKET = 'raw-pages';
const CONFIG = { maxDistance: 3, minSimilarity: 0.5 };
const env = useFreshTables('bands');
let store: Store;

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table, config: CONFIG, indexLayout: 'bands4x16' });
});

let sequence = 0x100;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${key}`, size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}

const OTHER_TEXT = 'An unrelated text about the tides and the moon over a quiet harbour town, and the boats that wait for the morning.';

describe('band items', () => {
  it('hold what the lookup filters on (simhash, version), the docId and their write time, not the sketch nor the rank', async () => {
    await store.recordDocument(ref('a.html'), makeAnalysis({ text: ARTICLE_A, simhash: BASE }));
    const longKey = `long/${'k'.repeat(1100)}.html`;
    await store.recordDocument(ref(longKey), makeAnalysis({ text: OTHER_TEXT, simhash: flipBits(BASE, [0, 9, 18, 27, 36, 45, 54, 63]) }));
    const { Items = [] } = await env.servers.dynamo.send(new ScanCommand({ TableName: env.table }));
    const bands = Items.filter((item) => item.pk?.S?.startsWith('BAND#'));
    expect(bands).toHaveLength(8);
    // writtenAt: how long a page that finds the item before its document has been waiting (clusters.ts pendingMatches).
    for (const band of bands) expect(Object.keys(band).sort()).toEqual(['docId', 'fingerprintVersion', 'pk', 'simhash', 'sk', 'writtenAt']);
    const short = bands.find((band) => band.sk?.S === `${BUCKET}/a.html`)!;
    expect(itemSizeBytes({ pk: short.pk!.S, sk: short.sk!.S, docId: short.docId!.S, simhash: short.simhash!.S, fingerprintVersion: 3, writtenAt: short.writtenAt!.S })).toBeLessThan(160);
    // Both are found again through their band items.
    expect((await store.findCandidates({ simhash: flipBits(BASE, [1]), sketch: makeAnalysis({ text: ARTICLE_A }).sketch })).map((c) => c.docId)).toEqual([`${BUCKET}/a.html`]);
  });

  it('finds exactly the candidates the core decides on the stored fingerprints, as band items with sketches did', async () => {
    // Near in SimHash and in text; near in SimHash only (other text: its sketch says no); far in SimHash.
    const stored = [
      { key: 'same.html', text: ARTICLE_A, simhash: BASE },
      { key: 'edited.html', text: editWords(ARTICLE_A, { Tuesday: 'Wednesday', winter: 'autumn' }), simhash: flipBits(BASE, [3]) },
      { key: 'edited-3-bits.html', text: editWords(ARTICLE_A, { council: 'board' }), simhash: flipBits(BASE, [2, 17, 33]) },
      { key: 'other-text-near-simhash.html', text: OTHER_TEXT, simhash: flipBits(BASE, [40]) },
      { key: 'other-text-2-bits.html', text: `${OTHER_TEXT} Again.`, simhash: flipBits(BASE, [12, 50]) },
      { key: 'far.html', text: editWords(ARTICLE_A, { pier: 'jetty' }), simhash: flipBits(BASE, [1, 5, 9, 13]) },
    ].map((page) => ({ ...page, analysis: makeAnalysis({ text: page.text, simhash: page.simhash }) }));
    for (const page of stored) await store.recordDocument(ref(page.key), page.analysis);
    // A band item as written before issue 15 (with sketch and rank) of a document written then: read the same.
    const legacy = makeAnalysis({ text: editWords(ARTICLE_A, { town: 'city' }), simhash: flipBits(BASE, [7]) });
    await store.recordDocument(ref('legacy.html'), legacy);
    const db = DynamoDBDocumentClient.from(env.servers.dynamo);
    for (const key of bandKeys(legacy.simhash, `${BUCKET}/legacy.html`)) {
      await db.send(new PutCommand({ TableName: env.table, Item: { ...key, docId: `${BUCKET}/legacy.html`, simhash: legacy.simhash, sketch: legacy.sketch, fingerprintVersion: legacy.fingerprintVersion, rank: 'r' } }));
    }
    const everyone = [...stored, { key: 'legacy.html', analysis: legacy }];

    for (const probe of [ARTICLE_A, editWords(ARTICLE_A, { harbour: 'port' }), OTHER_TEXT]) {
      const self = makeAnalysis({ text: probe, simhash: flipBits(BASE, [60]) });
      // What the former lookup returned: every stored page sharing a band, judged on its (band item's = document's) sketch.
      const expected = everyone
        .filter((page) => bandKeys(page.analysis.simhash, 'x').some((key, index) => key.pk === bandKeys(self.simhash, 'x')[index]!.pk))
        .filter((page) => compareFingerprints(self, page.analysis, CONFIG).nearDuplicate)
        .map((page) => `${BUCKET}/${page.key}`)
        .sort();
      const found = await store.findCandidates({ simhash: self.simhash, sketch: self.sketch });
      expect(found.map((candidate) => candidate.docId).sort(), probe.slice(0, 30)).toEqual(expected);
      for (const candidate of found) {
        const page = everyone.find((entry) => `${BUCKET}/${entry.key}` === candidate.docId)!;
        expect(candidate.comparison).toEqual(compareFingerprints(self, page.analysis, CONFIG));
        expect(candidate.sketch).toBe(page.analysis.sketch);
      }
      if (probe === ARTICLE_A) expect(expected.length).toBeGreaterThanOrEqual(3); // the test is not vacuous
      if (probe === OTHER_TEXT) expect(expected).toEqual([`${BUCKET}/other-text-2-bits.html`, `${BUCKET}/other-text-near-simhash.html`]);
    }
  });

  it('a new page whose band matches are all other text reads their documents once and writes nothing more', async () => {
    const meter = new DynamoMeter(env.servers.dynamo);
    await store.recordDocument(ref('article.html'), makeAnalysis({ text: ARTICLE_A, simhash: BASE }));
    const mark = meter.mark();
    const outcome = await store.recordDocument(ref('other.html'), makeAnalysis({ text: OTHER_TEXT, simhash: flipBits(BASE, [9]) }));
    expect(outcome).toMatchObject({ clusterId: `${BUCKET}/other.html`, isOriginal: true });
    const commands = meter.since(mark).map((record) => `${record.command.replace(/Command$/, '')}${record.conditionFailed ? ' (condition failed)' : ''}`);
    // A first read, its bands, 4 band Queries, one BatchGet of the match's document (and root), its document: no label write.
    expect(commands).toEqual(['GetItem', 'BatchWriteItem', 'Query', 'Query', 'Query', 'Query', 'BatchGetItem', 'PutItem']);
  });
});
