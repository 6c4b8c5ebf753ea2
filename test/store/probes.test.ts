/**
 * The default index layout (probed4x16) through the store on dynalite: 4 band items per document, and a lookup that
 * also probes each band with the fingerprint's weakest bit flipped, so a repost beyond the 3-bit guarantee (one
 * differing weak bit in every band) is still found, where the bands alone miss it.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { DEFAULT_INDEX_LAYOUT } from '../../functions/store/index-layout.ts';
import { bandPartitions } from '../../functions/store/keys.ts';
import { DynamoMeter } from '../../bench/support/dynamo-meter.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, editWords, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const BASE = '9d04c3b7e15a62f8';
// Bits 0..3 fall one in each interleaved band (bit i in band i mod 4): 4 bits apart, beyond the bands' guarantee.
const ONE_PER_BAND = [0, 1, 2, 3];
const env = useFreshTables();
let store: Store;

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table });
});

let sequence = 0x900;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), eTag: `etag-${sequence}`, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}

const original = makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2019-03-02' });
const repostText = editWords(ARTICLE_A, { Tuesday: 'Thursday' });

describe(`store with the default index layout (${DEFAULT_INDEX_LAYOUT.name})`, () => {
  it('writes 4 band items per document and finds a repost 4 bits apart through the probes of its weak bits', async () => {
    expect(DEFAULT_INDEX_LAYOUT.name).toBe('probed4x16');
    await store.recordDocument(ref('original.html'), original);
    const { Items = [] } = await DynamoDBDocumentClient.from(env.servers.dynamo).send(new ScanCommand({ TableName: env.table, ConsistentRead: true }));
    expect(Items.filter((item) => String(item.pk).startsWith('BAND#')).map((item) => item.pk).sort()).toEqual(bandPartitions(BASE).sort());
    expect(bandPartitions(BASE)).toHaveLength(4);

    const meter = new DynamoMeter(env.servers.dynamo);
    const probed = makeAnalysis({ text: repostText, simhash: flipBits(BASE, ONE_PER_BAND), weakBits: [...ONE_PER_BAND, 40, 41] });
    const before = meter.mark();
    expect((await store.findCandidates(probed)).map((candidate) => candidate.docId)).toEqual([`${BUCKET}/original.html`]);
    // 4 bands + 1 probe per band: the lookup's Queries, and no more. The partitions a page writes are read strongly
    // consistent (1 RRU each at least), the probes eventually (0.5): 6 RRU, not 8 (clusters.ts bandMatches).
    const queries = meter.since(before).filter((record) => record.command === 'QueryCommand');
    expect(queries).toHaveLength(8);
    expect(queries.map((record) => record.readUnits).sort()).toEqual([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]);

    expect(await store.recordDocument(ref('repost.html'), probed)).toMatchObject({ outcome: 'recorded', clusterId: `${BUCKET}/original.html`, isOriginal: false });
  });

  it('misses the same repost when its weak bits are other bits (the bands alone guarantee 3 bits only)', async () => {
    await store.recordDocument(ref('original.html'), original);
    const elsewhere = makeAnalysis({ text: repostText, simhash: flipBits(BASE, ONE_PER_BAND), weakBits: [4, 5, 6, 7] });
    expect(await store.findCandidates(elsewhere)).toEqual([]);
    const none = makeAnalysis({ text: repostText, simhash: flipBits(BASE, ONE_PER_BAND) });
    expect(await store.findCandidates(none)).toEqual([]);
    // Within 3 bits the bands alone find it, probes or not.
    expect(await store.findCandidates(makeAnalysis({ text: repostText, simhash: flipBits(BASE, [0, 1, 2]) }))).toHaveLength(1);
  });
});
