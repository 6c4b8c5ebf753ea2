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
import { corpusForTests, corpusPath, readCorpusJson } from '../support/corpus.ts';
import { seededRandom, shuffled } from '../support/random.ts';
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

describe('an original that is deleted: its members are judged against the earliest remaining member', () => {
  it('re-judges on each deletion, and when an earlier member joins the cluster afterwards', async () => {
    const pages: Record<string, [number, string]> = {
      x: [10, '2017-01-01'], // the original
      a: [11, '2017-03-01'], // 59 days after x
      b: [12, '2017-09-01'], // 243 after x, 184 after a, 123 after n
      c: [13, '2018-01-01'], // 365 after x, 306 after a, 122 after b, 245 after n
    };
    for (const [key, [bit, claimed]] of Object.entries(pages)) await store.recordDocument(ref(key), makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [bit]), claimed }));
    const verdicts = async (keys: string[]) =>
      Object.fromEntries(
        await Promise.all(
          keys.map(async (key) => {
            const doc = await store.getDocument(`${BUCKET}/${key}`);
            const verdict = doc?.earlierCopy ? ` vs ${doc.earlierCopy.original.slice(BUCKET.length + 1)} ${doc.earlierCopy.gapDays}` : '';
            return [key, `${doc?.mismatchKinds?.join('+') || '-'}${verdict}`];
          }),
        ),
      );
    const listed = async () => (await store.listMismatches()).map((doc) => doc.key).sort();
    expect(await verdicts(['x', 'a', 'b', 'c'])).toEqual({ x: '-', a: '-', b: 'earlier-copy vs x 243', c: 'earlier-copy vs x 365' });

    expect(await store.markDeleted(ref('x'))).toMatchObject({ outcome: 'deleted' });
    expect(await verdicts(['a', 'b', 'c'])).toEqual({ a: '-', b: 'earlier-copy vs a 184', c: 'earlier-copy vs a 306' });
    expect(await listed()).toEqual(['b', 'c']);

    // The member judged against is deleted in turn: the next earliest takes over, and a flag that no longer holds goes.
    await store.markDeleted(ref('a'));
    expect(await verdicts(['b', 'c'])).toEqual({ b: '-', c: '-' });
    expect(await listed()).toEqual([]);

    // A page earlier than every remaining member joins the cluster (still named after x): it is the one judged against.
    await store.recordDocument(ref('n'), makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [14]), claimed: '2017-05-01' }));
    expect((await store.getDocument(`${BUCKET}/n`))?.clusterId).toBe(`${BUCKET}/x`);
    expect(await verdicts(['n', 'b', 'c'])).toEqual({ n: '-', b: '-', c: 'earlier-copy vs n 245' });
    expect(await listed()).toEqual(['c']);
  });
});

describe('deletions and arrivals at once, through concurrent writers', () => {
  it('the earliest original and members are deleted while new copies arrive: verdicts end against the earliest live member', async () => {
    const DAY_MS = 86_400_000;
    const random = seededRandom(4242);
    const day = () => new Date(Date.UTC(2018, 0, 1) + Math.floor(random() * 540) * DAY_MS).toISOString().slice(0, 10);
    const page = (i: number) => ({ key: `p${String(i).padStart(2, '0')}`, claimed: day(), bit: i }); // bits 0..21: pairwise 2 bits
    const initial = Array.from({ length: 12 }, (_, i) => page(i));
    const arriving = Array.from({ length: 10 }, (_, i) => page(12 + i));
    const run = async (tasks: (() => Promise<unknown>)[]) => {
      const queue = [...tasks];
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let task = queue.shift(); task; task = queue.shift()) await task();
      }));
    };
    const upload = (p: ReturnType<typeof page>) => () => store.recordDocument(ref(p.key), makeAnalysis({ text: ARTICLE_A, simhash: flipBits(BASE, [p.bit]), claimed: p.claimed }));
    await run(initial.map(upload));
    // The four earliest claims of the first batch (its original among them) go while the others arrive.
    const byRank = (list: typeof initial) => [...list].sort((a, b) => `${a.claimed}#${a.key}`.localeCompare(`${b.claimed}#${b.key}`));
    const deleted = byRank(initial).slice(0, 4);
    // Arrivals claim dates after the deleted original's: the cluster stays named after it, judged against a reference.
    for (const p of arriving) while (p.claimed <= deleted[0]!.claimed) p.claimed = day();
    await run(shuffled([...deleted.map((p) => () => store.markDeleted(ref(p.key))), ...arriving.map(upload)], 7));

    const live = byRank([...initial, ...arriving].filter((p) => !deleted.includes(p)));
    const earliest = live[0]!;
    const expected = Object.fromEntries(live.map((p) => {
      const gap = (Date.parse(p.claimed) - Date.parse(earliest.claimed)) / DAY_MS;
      return [p.key, gap > 180 ? `earlier-copy vs ${earliest.key} ${gap}` : '-'];
    }));
    const actual = Object.fromEntries(await Promise.all(live.map(async (p) => {
      const doc = await store.getDocument(`${BUCKET}/${p.key}`);
      return [p.key, doc?.earlierCopy ? `${doc.mismatchKinds?.join('+')} vs ${doc.earlierCopy.original.slice(BUCKET.length + 1)} ${doc.earlierCopy.gapDays}` : doc?.mismatchKinds?.join('+') || '-'];
    })));
    const clusterIds = new Set(await Promise.all(live.map(async (p) => (await store.getDocument(`${BUCKET}/${p.key}`))?.clusterId)));
    console.log(`deletions + arrivals: ${live.length} live in cluster ${[...clusterIds].join(', ')} (original ${deleted[0]!.key}, deleted), judged against ${earliest.key} (${earliest.claimed}); ${Object.values(expected).filter((v) => v !== '-').length} earlier-copy expected`);
    expect([...clusterIds]).toEqual([`${BUCKET}/${deleted[0]!.key}`]);
    expect(actual).toEqual(expected);
    expect((await store.listMismatches()).map((doc) => doc.key).sort()).toEqual(Object.keys(expected).filter((key) => expected[key] !== '-').sort());
  });
});

interface HtmldateEntry {
  url?: string;
  date?: string | null;
  date_is_gold?: boolean;
}

describe.runIf(corpusForTests())('htmldate gold pages with right claimed dates', () => {
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
  }, 600_000);
});
