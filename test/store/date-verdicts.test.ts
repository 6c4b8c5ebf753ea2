/**
 * The `earlier-copy` date verdict, judged by the cluster (issue 16), on real dynalite: a repost whose own text cannot
 * contradict its later claim is flagged by its cluster's original, whatever the upload order; merges bring every
 * member's verdict up to date; on unrelated real pages with right claimed dates nothing is flagged.
 * (The concurrent, random-order case is in concurrency.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { analyzePage } from '../../functions/core/analyze.ts';
import { InputRejected } from '../../functions/core/errors.ts';
import type { PageAnalysis } from '../../functions/core/types.ts';
import { createStore, type ObjectRef, type Store } from '../../functions/store/index.ts';
import { corpusPath, hasCorpus, readCorpusJson } from '../support/corpus.ts';
import { useFreshTables } from '../support/table-fixture.ts';
import { ARTICLE_A, flipBits, makeAnalysis } from './analyses.ts';

const BUCKET = 'raw-pages';
const BASE = '3c5a9f00e1b2d4c6';
const env = useFreshTables('verdict');
let store: Store;

beforeEach(() => {
  store = createStore({ client: env.servers.dynamo, tableName: env.table, config: { maxDistance: 3, minSimilarity: 0.5 } });
});

let sequence = 0x500;
function ref(key: string): ObjectRef {
  sequence += 1;
  return { bucket: BUCKET, key, sequencer: sequence.toString(16).toUpperCase(), size: 100, eventTime: new Date(Date.UTC(2024, 0, 1) + sequence * 1000).toISOString() };
}

// An invented article with no date in its text ("on Thursday", "this week"): its own text cannot contradict any claim.
const PARAGRAPHS = [
  'The town council of Eastwick voted on Thursday to close the old swimming baths on Canal Street, ending a campaign by residents who had collected more than four thousand signatures to keep the building open.',
  'Councillors said the repairs needed to the roof and the boilers would cost more than the town spends on all its sports grounds in a year. The pool, opened by the mill owners for their workers, has lost money every season since the new leisure centre opened across the river.',
  'Swimming clubs that train in the baths will move to the leisure centre, where the council has promised them early morning lanes at the same price. Parents of the junior squad said the new pool is a bus ride away for most of the children and asked for a free shuttle.',
  'The building itself will be offered for sale this week with a condition that its tiled entrance hall and the glass roof over the main pool are kept. A group of residents wants to buy it as a community trust and says it has pledges from local businesses.',
];
const TITLE = 'Eastwick council votes to close the Canal Street baths';

/** The original: HTML with its publication date in its metadata (article:published_time) and none in its text. */
const ORIGINAL_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>${TITLE}</title>
<meta property="article:published_time" content="2018-04-05T09:00:00Z"></head>
<body><nav><a href="/">Eastwick Courier</a> | <a href="/news">News</a></nav>
<article><h1>${TITLE}</h1>${PARAGRAPHS.map((paragraph) => `<p>${paragraph}</p>`).join('\n')}</article>
<footer>Eastwick Courier. Contact the newsroom.</footer></body></html>`;

/** The repost, three years later: plain text under a "MONTH YEAR" header, with reader comments dated when it was reposted. */
const REPOST_TEXT = `JUNE 2021\n\n${TITLE}\n\n${PARAGRAPHS.join('\n\n')}\n\n3 comments\n\n` +
  'Marjorie Hale June 14, 2021 at 9:12 am\nI learned to swim there. Such a shame to see it go.\n\n' +
  'Tom B. June 15, 2021 at 6:40 pm\nThe trust should get it, the town needs a pool it can walk to.\n\n' +
  'Keith June 15, 2021 at 8:02 pm\nSomeone should ask the council where the money went.';

describe('earlier-copy: a repost under a later date, judged by its cluster', () => {
  const original = analyzePage(Buffer.from(ORIGINAL_HTML), { fileName: 'original.html' });
  const repost = analyzePage(Buffer.from(REPOST_TEXT), { fileName: 'repost.txt' });

  it('the pages are what the case says: a believed metadata date, a later header, and no content verdict on either', () => {
    expect(original.claimedDate).toMatchObject({ value: '2018-04-05', source: 'meta' });
    expect(original.contentDates.mentions).toBe(0);
    expect(repost.claimedDate).toMatchObject({ value: '2021-06', precision: 'month', source: 'header' });
    // Its comments are dated June 2021 and its article not at all: its own text agrees with its claim.
    expect(repost.contentDates).toMatchObject({ from: 'comments', dominant: { value: '2021-06' } });
    expect(repost.commentsCut).toBeGreaterThan(0);
    expect([original.dateMismatch, repost.dateMismatch]).toEqual([false, false]);
  });

  it.each([
    ['original first', ['original', 'repost']],
    ['repost first', ['repost', 'original']],
  ])('%s: the repost is flagged earlier-copy against the original, the original is not flagged', async (_order, order) => {
    const analyses: Record<string, PageAnalysis> = { original, repost };
    const refs = Object.fromEntries(order.map((name) => [name, ref(`${name}.${name === 'original' ? 'html' : 'txt'}`)]));
    const outcomes = [];
    for (const name of order) outcomes.push(await store.recordDocument(refs[name]!, analyses[name]!));
    // The second upload's outcome already says what its cluster makes of it.
    expect(outcomes[1]).toMatchObject({ outcome: 'recorded', dateMismatch: order[1] === 'repost', mismatchKinds: order[1] === 'repost' ? ['earlier-copy'] : [] });

    const originalId = `${BUCKET}/original.html`;
    const copy = await store.getDocument(`${BUCKET}/repost.txt`);
    expect(copy).toMatchObject({ clusterId: originalId, isOriginal: false, dateMismatch: true, mismatchKinds: ['earlier-copy'] });
    expect(copy?.earlierCopy).toEqual({
      original: originalId,
      originalClaimed: { value: '2018-04-05', precision: 'day', source: 'meta' },
      claimed: { value: '2021-06', precision: 'month', source: 'header' },
      gapDays: 1153,
      evidence: `claims 2021-06 (header), 1153 days after the original of its cluster, ${originalId}, which claims 2018-04-05 (meta)`,
    });
    expect(await store.getDocument(originalId)).toMatchObject({ isOriginal: true, dateMismatch: false, mismatchKinds: [] });
    expect((await store.getDocument(originalId))?.earlierCopy).toBeUndefined();

    const listed = await store.listMismatches();
    expect(listed.map((doc) => [doc.docId, doc.mismatchKinds])).toEqual([[`${BUCKET}/repost.txt`, ['earlier-copy']]]);

    // A redelivery of either event changes nothing.
    for (const name of order) expect(await store.recordDocument(refs[name]!, analyses[name]!)).toMatchObject({ outcome: 'unchanged' });
    expect(await store.getDocument(`${BUCKET}/repost.txt`)).toEqual(copy);
  });

  it('both kinds hold when the copy\'s own text also contradicts its claim', async () => {
    await store.recordDocument(ref('first.txt'), makeAnalysis({ text: ARTICLE_A, simhash: BASE, claimed: '2018-04-06', dominant: '2018-04' }));
    await store.recordDocument(ref('copy.txt'), makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [7]), claimed: '2021-06', dominant: '2018-04', dateMismatch: true }));
    const copy = await store.getDocument(`${BUCKET}/copy.txt`);
    expect(copy).toMatchObject({ dateMismatch: true, mismatchKinds: ['content', 'earlier-copy'], earlierCopy: { original: `${BUCKET}/first.txt`, gapDays: 1152 } });
    expect((await store.listMismatches()).map((doc) => doc.mismatchKinds)).toEqual([['content', 'earlier-copy']]);
  });
});

describe('a merge of two clusters brings every member\'s verdict up to date', () => {
  it('the later cluster\'s members are judged against the earlier original once a bridge page joins them', async () => {
    // Two clusters 6 bits apart (not candidates of each other with k=3), each with members on its own side.
    const right = flipBits(BASE, [0, 1, 2, 16, 17, 18]);
    const pages: [string, string, string][] = [
      ['left', BASE, '2019-01-10'], // the later cluster's original
      ['left-2', flipBits(BASE, [40]), '2019-03-01'], // 50 days after it: not flagged, until the merge
      ['left-3', flipBits(BASE, [41]), '2019-09-01'], // 234 days after it: flagged against left, then against right
      ['right', right, '2017-06-01'], // the earlier cluster's original
      ['right-2', flipBits(right, [50]), '2017-08-01'], // 61 days after it: never flagged
    ];
    for (const [key, simhash, claimed] of pages) await store.recordDocument(ref(key), makeAnalysis({ text: ARTICLE_A, simhash, claimed }));
    const verdicts = async () =>
      Object.fromEntries(
        await Promise.all(
          [...pages.map(([key]) => key), 'bridge'].map(async (key) => {
            const doc = await store.getDocument(`${BUCKET}/${key}`);
            return [key, doc ? `${doc.clusterId?.slice(BUCKET.length + 1)} ${doc.mismatchKinds?.join('+') || '-'} ${doc.earlierCopy?.gapDays ?? ''}`.trim() : 'absent'];
          }),
        ),
      );
    expect(await verdicts()).toEqual({
      left: 'left -',
      'left-2': 'left -',
      'left-3': 'left earlier-copy 234',
      right: 'right -',
      'right-2': 'right -',
      bridge: 'absent',
    });

    // The bridge is within 3 bits of both originals: the left cluster is merged into the right one.
    await store.recordDocument(ref('bridge'), makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [0, 1, 2]), claimed: '2017-07-01' }));
    expect(await verdicts()).toEqual({
      left: 'right earlier-copy 588',
      'left-2': 'right earlier-copy 638',
      'left-3': 'right earlier-copy 822',
      right: 'right -',
      'right-2': 'right -',
      bridge: 'right -',
    });
    const listed = await store.listMismatches();
    expect(listed.map((doc) => doc.key).sort()).toEqual(['left', 'left-2', 'left-3']);
    expect(listed.every((doc) => doc.earlierCopy?.original === `${BUCKET}/right` && doc.earlierCopy.originalClaimed.value === '2017-06-01')).toBe(true);
  });
});

interface HtmldateEntry {
  url?: string;
  date?: string | null;
  date_is_gold?: boolean;
}

describe.runIf(hasCorpus())('htmldate gold pages with right claimed dates', () => {
  it('no page is flagged earlier-copy against an unrelated page', async () => {
    const { pages } = readCorpusJson<{ pages: Record<string, HtmldateEntry> }>('htmldate', 'expected.json');
    const uploads: { ref: ObjectRef; analysis: PageAnalysis }[] = [];
    for (const [file, entry] of Object.entries(pages)) {
      if (!entry.date || !entry.date_is_gold) continue;
      let analysis: PageAnalysis;
      try {
        analysis = analyzePage(readFileSync(corpusPath('htmldate', file)), { fileName: file, url: entry.url });
      } catch (error) {
        if (error instanceof InputRejected) continue; // never recorded: nothing to judge
        throw error;
      }
      // Only pages whose claimed date is right: any earlier-copy verdict among them is a false match.
      if (analysis.claimedDate?.precision !== 'day' || analysis.claimedDate.value !== entry.date) continue;
      uploads.push({ ref: { ...ref(`htmldate/${file}`), url: entry.url }, analysis });
    }
    // Default thresholds here: the near-duplicate decision as deployed.
    const deployed = createStore({ client: env.servers.dynamo, tableName: env.table });
    const queue = [...uploads];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let upload = queue.shift(); upload; upload = queue.shift()) await deployed.recordDocument(upload.ref, upload.analysis);
      }),
    );
    const earlierCopies = (await deployed.listMismatches()).filter((doc) => doc.mismatchKinds?.includes('earlier-copy'));
    const clustered = (await Promise.all(uploads.map((upload) => deployed.getDocument(`${BUCKET}/${upload.ref.key}`)))).filter((doc) => doc?.isOriginal === false);
    console.log(
      `htmldate: ${uploads.length} pages with the right claimed date recorded; ${clustered.length} joined another page's cluster; ` +
        `${earlierCopies.length} flagged earlier-copy${earlierCopies.map((doc) => `\n  ${doc.key}: ${doc.earlierCopy?.evidence}`).join('')}`,
    );
    expect(uploads.length).toBeGreaterThan(400);
    expect(earlierCopies).toEqual([]);
  }, 180_000);
});
