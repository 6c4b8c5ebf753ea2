/**
 * The rank breaks ties with a 64-bit hash of the docId, not the docId itself (issue 15: the rank is stored in the
 * document, in every label towards it and in its root record; a long docId there made each a write unit larger).
 */
import { describe, expect, it } from 'vitest';
import { createStore, type ObjectRef } from '../../functions/store/index.ts';
import { rankOf } from '../../functions/store/keys.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, flipBits, makeAnalysis } from './analyses.ts';

const BASE = '3c5a9f00e1b2d4c6';
const BUCKET = 'raw-pages';
const env = useFreshTables('rank');
const FIRST_SEEN = '2024-05-06T07:08:09.123Z';

describe('rank', () => {
  it('orders by believed date, then first seen, then a fixed-length hash of the docId', () => {
    const page = makeAnalysis({ text: ARTICLE_A, claimed: '2018-04-06' });
    const docId = `${BUCKET}/news/${'a-long-path-segment/'.repeat(5)}article.html`;
    const rank = rankOf(page, FIRST_SEEN, docId);
    expect(rank).toMatch(/^2018-04-06#2024-05-06T07:08:09\.123Z#[0-9a-f]{16}$/);
    expect(rank).not.toContain('article.html');
    expect(rankOf(page, FIRST_SEEN, docId)).toBe(rank); // stable
    // Same date and millisecond, other page: another rank, so the original of a cluster is never ambiguous.
    const ranks = new Set(Array.from({ length: 1000 }, (_, index) => rankOf(page, FIRST_SEEN, `${BUCKET}/p${index}.html`)));
    expect(ranks.size).toBe(1000);
    expect(rankOf(makeAnalysis({ text: ARTICLE_A, claimed: '2018-04-05' }), '2025-01-01T00:00:00.000Z', docId) < rank).toBe(true);
    expect(rankOf(page, '2024-05-06T07:08:09.122Z', `${BUCKET}/zzz.html`) < rank).toBe(true);
  });

  it('two copies first seen in the same millisecond converge on one original, whichever hash is lower', async () => {
    const store = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 }, indexLayout: 'bands4x16' });
    const page = makeAnalysis({ text: ARTICLE_A, simhash: BASE });
    const refs: ObjectRef[] = ['x.html', 'y.html'].map((key, index) => ({ bucket: BUCKET, key, sequencer: `0${index + 1}`, eventTime: FIRST_SEEN }));
    await Promise.all(refs.map((ref) => store.recordDocument(ref, page)));
    const ids = refs.map((ref) => `${BUCKET}/${ref.key}`);
    const expected = ids.reduce((best, id) => (rankOf(page, FIRST_SEEN, id) < rankOf(page, FIRST_SEEN, best) ? id : best));
    for (const id of ids) expect(await store.getDocument(id)).toMatchObject({ clusterId: expected, isOriginal: id === expected });
    // A later near-duplicate joins the same cluster.
    const near = makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [4]) });
    await store.recordDocument({ bucket: BUCKET, key: 'z.html', sequencer: '03', eventTime: '2024-05-07T00:00:00.000Z' }, near);
    expect((await store.getDocument(`${BUCKET}/z.html`))?.clusterId).toBe(expected);
  });
});
