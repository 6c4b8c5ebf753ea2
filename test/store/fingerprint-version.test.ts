/**
 * Fingerprint versions in the store: documents and band items record theirs, candidates of another version are
 * never compared, and an event no newer than the recorded one (a backfill / reindex event) recomputes a document of
 * an older version, once.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { FINGERPRINT_VERSION } from '../../functions/core/fingerprint.ts';
import { createStore, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { BAND_LAYOUT } from '../../functions/store/index-layout.ts';
import { bandKeys } from '../../functions/store/keys.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, ARTICLE_B, editWords, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const env = useFreshTables();
let store: Store;

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
});

const ref = (key: string, sequencer: string): ObjectRef => ({ bucket: BUCKET, key, sequencer, eTag: `etag-${key}`, size: 100, eventTime: '2024-01-01T00:00:00.000Z' });

/** What a version-1 ingest wrote: the same page, another SimHash, no version attribute (absent = 1). */
function versionOneAnalysis(text: string) {
  const { fingerprintVersion: _current, ...rest } = makeAnalysis({ text, simhash: '3c5a9f00e1b2d4c6' });
  return { ...rest, fingerprintVersion: 1 };
}

async function scanTable(): Promise<Record<string, unknown>[]> {
  const db = DynamoDBDocumentClient.from(env.servers.dynamo);
  const { Items = [] } = await db.send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
  return Items;
}

describe('fingerprint versions', () => {
  it('records the version, never compares candidates of another version, and reindexes an older one exactly once', async () => {
    const oldDocId = `${BUCKET}/old.html`;
    // A version-1 document in the layout of its time (bands4x16), as a table filled before the change holds it.
    const legacyStore = createStore({ client: env.servers.dynamo, tableName: env.table, indexLayout: 'bands4x16' });
    expect(await legacyStore.recordDocument(ref('old.html', '0100'), versionOneAnalysis(ARTICLE_A))).toMatchObject({ outcome: 'recorded' });
    expect(await store.getDocument(oldDocId)).toMatchObject({ fingerprintVersion: 1 });

    // A near-duplicate fingerprinted now: same SimHash partitions would be found, but the version differs.
    const current = makeAnalysis({ text: editWords(ARTICLE_A, { Tuesday: 'Wednesday' }), simhash: '3c5a9f00e1b2d4c6' });
    expect(current.fingerprintVersion).toBe(FINGERPRINT_VERSION);
    await legacyStore.recordDocument(ref('new.html', '0200'), current);
    expect(await store.getDocument(`${BUCKET}/new.html`)).toMatchObject({ clusterId: `${BUCKET}/new.html`, isOriginal: true, fingerprintVersion: FINGERPRINT_VERSION });
    expect(await legacyStore.findCandidates({ simhash: current.simhash, sketch: current.sketch, fingerprintVersion: FINGERPRINT_VERSION })).toHaveLength(1); // new.html only

    // The backfill event (sequencer 0, older than the recorded 0100) recomputes the old document with the new version.
    const recomputed = makeAnalysis({ text: ARTICLE_A });
    const first = await store.recordDocument(ref('old.html', '0'), recomputed);
    expect(first).toMatchObject({ outcome: 'reindexed', isOriginal: true });
    const reindexed = await store.getDocument(oldDocId);
    expect(reindexed).toMatchObject({ fingerprintVersion: FINGERPRINT_VERSION, simhash: recomputed.simhash, sequencer: '0100', firstSeen: '2024-01-01T00:00:00.000Z' });
    const items = await scanTable();
    const legacyBands = new Set(bandKeys('3c5a9f00e1b2d4c6', oldDocId, BAND_LAYOUT).map((key) => `${key.pk}|${key.sk}`));
    expect(items.filter((item) => legacyBands.has(`${item.pk}|${item.sk}`))).toHaveLength(0);
    const bandItems = items.filter((item) => item.docId === oldDocId && String(item.pk).startsWith('BAND#'));
    expect(bandItems.length).toBeGreaterThan(0);
    expect(bandItems.every((item) => item.fingerprintVersion === FINGERPRINT_VERSION && item.simhash === recomputed.simhash)).toBe(true);

    // Idempotent: the same event again, or a second reindex run, changes nothing.
    const before = JSON.stringify((await scanTable()).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)));
    expect(await store.recordDocument(ref('old.html', '0'), recomputed)).toMatchObject({ outcome: 'stale' });
    const after = JSON.stringify((await scanTable()).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)));
    expect(after).toBe(before);
  });
});

describe('records of a WARC or JSONL object behind the current version (recordsBehind)', () => {
  /** One record of the object version `sequencer`, listed then recorded with `analysis`. */
  async function recordOf(key: string, sequencer: string, recordId: string, analysis: ReturnType<typeof makeAnalysis>): Promise<void> {
    const record = { ...ref(key, sequencer), recordId, docId: `${BUCKET}/${key}#${recordId}` };
    await store.addRecord(record, true);
    expect(await store.recordDocument(record, analysis)).toMatchObject({ outcome: 'recorded' });
  }

  it('names the records of an older fingerprint version, of the newest version recorded by S3 sequencer order, and none once current', async () => {
    const key = 'crawl/day.warc.gz';
    // An overwrite in flight: version 'a0' listed @100, version 'FF' (newer: S3 sequencers are hex of any case) @0 and @900.
    const older = editWords(ARTICLE_B, { the: 'a' });
    await recordOf(key, 'a0', '@100', versionOneAnalysis(older));
    await recordOf(key, 'FF', '@0', versionOneAnalysis(ARTICLE_A));
    await recordOf(key, 'FF', '@900', versionOneAnalysis(ARTICLE_B));
    expect(await store.recordsBehind(BUCKET, key, FINGERPRINT_VERSION)).toEqual({
      object: { bucket: BUCKET, key, versionId: undefined, eTag: `etag-${key}`, sequencer: 'FF', size: 100 },
      recordIds: ['@0', '@900'],
    });
    expect(await store.recordsBehind(BUCKET, key, 1)).toBeNull();

    // Recomputed (an event no newer than the recorded one): then the older version's record is what is left behind.
    const recompute = async (recordId: string, text: string) => {
      const record = { ...ref(key, '0'), recordId, docId: `${BUCKET}/${key}#${recordId}` };
      expect(await store.recordDocument(record, makeAnalysis({ text }))).toMatchObject({ outcome: 'reindexed' });
    };
    await recompute('@0', ARTICLE_A);
    await recompute('@900', ARTICLE_B);
    expect(await store.recordsBehind(BUCKET, key, FINGERPRINT_VERSION)).toMatchObject({ object: { sequencer: 'a0' }, recordIds: ['@100'] });
    await recompute('@100', older);
    expect(await store.recordsBehind(BUCKET, key, FINGERPRINT_VERSION)).toBeNull();
  });
});
