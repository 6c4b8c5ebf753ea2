import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveCoreConfig } from '../../functions/core/config.ts';
import { findClaimedDate } from '../../functions/core/dates/index.ts';
import { parseHtml } from '../../functions/core/html.ts';
import { readPage } from '../../functions/core/read.ts';
import { corpusPath, corpusForTests, readCorpusJson } from '../support/corpus.ts';
import { countDomWork } from '../support/dom-work.ts';

const NOW = new Date('2024-06-01T12:00:00Z');
const page = (head: string, body = '<p>Some article text.</p>', lang = 'en'): { document: Document; text: string } => {
  const text = `<!doctype html><html lang="${lang}"><head><title>t</title>${head}</head><body>${body}</body></html>`;
  return { document: parseHtml(text), text };
};
const claimedFrom = (html: { document: Document; text: string }, extra: { url?: string; metadata?: Record<string, string> } = {}) =>
  findClaimedDate({ ...html, ...extra }, NOW);

describe('findClaimedDate: sources and their priority', () => {
  it('prefers S3 metadata over everything in the page', () => {
    const html = page('<meta property="article:published_time" content="2019-01-02T10:00:00+01:00">');
    expect(claimedFrom(html, { metadata: { published: '2017-03-04' } })).toMatchObject({ value: '2017-03-04', source: 'metadata' });
  });

  it('reads the publication meta tag, not the modification one, whatever their order', () => {
    const html = page('<meta property="article:modified_time" content="2020-05-06T08:00:00+02:00"><meta property="article:published_time" content="2019-01-02T10:00:00+01:00">');
    expect(claimedFrom(html)).toEqual({ value: '2019-01-02', precision: 'day', source: 'meta', evidence: '<meta article:published_time="2019-01-02T10:00:00+01:00">' });
  });

  it('reads JSON-LD datePublished inside an @graph array', () => {
    const ld = JSON.stringify({ '@context': 'https://schema.org', '@graph': [{ '@type': 'WebSite' }, { '@type': 'NewsArticle', dateModified: '2021-02-01', datePublished: '2020-11-30T09:00:00+01:00' }] });
    expect(claimedFrom(page(`<script type="application/ld+json">${ld}</script>`))).toMatchObject({ value: '2020-11-30', source: 'json-ld' });
  });

  it('reads <time pubdate> before other time elements, and German bylines', () => {
    const body = '<aside><time datetime="2015-01-01">older</time></aside><article><time pubdate datetime="2016-07-08">8 July</time></article>';
    expect(claimedFrom(page('', body))).toMatchObject({ value: '2016-07-08', source: 'time-element' });
    expect(claimedFrom(page('', '<div class="article-byline">Von Anna Muster, 5. März 2018</div><p>Text</p>', 'de'))).toMatchObject({ value: '2018-03-05', source: 'header' });
  });

  it('reads day-precise URLs, keeps month precision from /2018/04/, and refines it with a day of that month', () => {
    expect(claimedFrom(page(''), { url: 'https://example.org/2018/04/05/story.html' })).toMatchObject({ value: '2018-04-05', source: 'url' });
    expect(claimedFrom(page(''), { url: 'https://example.org/news/201804/story' })).toMatchObject({ value: '2018-04', precision: 'month', source: 'url' });
    expect(claimedFrom(page('', '<p>Published: April 17, 2018</p>'), { url: 'https://example.org/2018/04/story' })).toMatchObject({ value: '2018-04-17', precision: 'day' });
  });

  it('falls back to the modification date only when nothing states the publication', () => {
    expect(claimedFrom(page('<meta property="article:modified_time" content="2020-05-06">'))).toMatchObject({ value: '2020-05-06', source: 'meta' });
  });

  it('rejects implausible dates: before 1995 and after tomorrow', () => {
    expect(claimedFrom(page('<meta name="date" content="1990-01-01">'))).toBeNull();
    expect(claimedFrom(page('<meta name="date" content="2030-01-01">'))).toBeNull();
  });
});

describe('findClaimedDate: time zones', () => {
  const publishedAt = (stamp: string): string => `<meta property="article:published_time" content="${stamp}">`;

  it('reads a UTC timestamp\'s day as written when nothing on the page gives the local day', () => {
    expect(claimedFrom(page(publishedAt('2020-10-29T02:35:27.746Z')))).toMatchObject({ value: '2020-10-29', source: 'meta' });
  });

  it('moves a UTC timestamp to the adjacent local day the URL or an offset timestamp shows, when the hour allows it', () => {
    const evening = claimedFrom(page(publishedAt('2023-11-09T01:49:09+00:00')), { url: 'https://example.org/2023/11/08/story/' });
    expect(evening).toMatchObject({ value: '2023-11-08', source: 'meta' });
    expect(evening?.evidence).toContain('local day from url');
    const withOffset = page(publishedAt('2023-11-09T02:11:03+00:00'), '<p>By the desk <time datetime="2023-11-08T21:11:03-05:00">Nov 8</time></p>');
    expect(claimedFrom(withOffset)).toMatchObject({ value: '2023-11-08' });
    // 10:04 UTC is the previous day nowhere west of UTC-10: the written day stays.
    expect(claimedFrom(page(publishedAt('2020-07-09T10:04:04Z')), { url: 'https://example.org/2020/07/08/story/' })).toMatchObject({ value: '2020-07-09' });
  });

  it('reads exactly 23:00 UTC as the central European midnight it was converted from', () => {
    expect(claimedFrom(page(publishedAt('2021-11-04T23:00Z'), '<p>Text</p>', 'de'))).toMatchObject({ value: '2021-11-05' });
    expect(claimedFrom(page(publishedAt('2021-11-04T23:12:40Z'), '<p>Text</p>', 'de'))).toMatchObject({ value: '2021-11-04' });
  });
});

describe('findClaimedDate: URL and page parts', () => {
  it('takes the URL day when the markup date lies well after it (a republished or migrated page)', () => {
    const html = page('<meta itemprop="datePublished" content="2019-06-17T18:28:00+0200">');
    expect(claimedFrom(html, { url: 'https://example.org/home/2017/7/12/story' })).toMatchObject({ value: '2017-07-12', source: 'url' });
  });

  it('does not read a slug starting with a number as the day', () => {
    expect(claimedFrom(page(''), { url: 'https://example.org/2023/10/3-questions-for-anna/' })).toMatchObject({ value: '2023-10', precision: 'month' });
  });

  it('skips dates in embedded posts, menus and comment threads', () => {
    const body = [
      '<nav><ul><li><time datetime="2014-02-02">menu</time></li></ul></nav>',
      '<blockquote class="instagram-media"><p><time datetime="2018-03-12T19:30:12+00:00">post</time></p></blockquote>',
      '<ol class="comments"><li><time datetime="2015-01-01">comment</time></li></ol>',
      '<p class="publication"><time datetime="2019-01-29">29 Jan</time></p>',
    ].join('');
    expect(claimedFrom(page('', body))).toMatchObject({ value: '2019-01-29', source: 'time-element' });
  });

  it('skips "current time" and weekday calendar widgets, and reads datelines that open a line', () => {
    const forum = '<div class="date">Aktuelle Zeit: 14.10.2020, 12:18</div><p>Karlsruhe, (12.11.2021). Traditionell beginnt hier ein Text.</p>';
    expect(claimedFrom(page('', forum, 'de'))).toMatchObject({ value: '2021-11-12', source: 'header' });
    const topbar = '<div>Tuesday, (08 Dec 2020)</div><h1>A headline</h1><ul><li>13 Oct 2020 18:29</li></ul><p>Body text of the story.</p>';
    expect(claimedFrom(page('', topbar))).toMatchObject({ value: '2020-10-13', source: 'header' });
    const alone = '<div>Menu</div><h1>Protesters gather</h1><p>January 18, 2020</p><p>PARIS (Reuters) - Protesters on January 16, 2020 ...</p>';
    expect(claimedFrom(page('', alone))).toMatchObject({ value: '2020-01-18', source: 'header' });
  });
});

describe('findClaimedDate: plain-text scrapes (no document)', () => {
  it('reads a month-precise header line without inventing a day', () => {
    expect(findClaimedDate({ text: 'MAY 2022\n\nA headline\n\nOn March 3 the storm hit.' }, NOW)).toEqual({ value: '2022-05', precision: 'month', source: 'header', evidence: 'MAY 2022' });
  });

  it('reads "Posted on" datelines and skips "Updated" ones', () => {
    const text = 'A headline\nUpdated 9 June 2020\nPosted on 5 April 2018 by the desk\n\nBody text follows here.';
    expect(findClaimedDate({ text }, NOW)).toMatchObject({ value: '2018-04-05', precision: 'day', source: 'header' });
  });

  it('returns null when the text claims nothing', () => {
    expect(findClaimedDate({ text: 'Just words, and a number 42.' }, NOW)).toBeNull();
  });
});

interface TrafilaturaEntry {
  url?: string;
  date?: string | null;
}

describe.runIf(corpusForTests())('findClaimedDate on the trafilatura evaluation pages', () => {
  it('finds the labelled publication date (day precision)', () => {
    const config = resolveCoreConfig();
    const { pages } = readCorpusJson<{ pages: Record<string, TrafilaturaEntry> }>('trafilatura', 'expected.json');
    let total = 0;
    let found = 0;
    let correct = 0;
    for (const [file, entry] of Object.entries(pages)) {
      if (!entry.date) continue;
      total += 1;
      const decoded = readPage(readFileSync(corpusPath('trafilatura', file)), { fileName: file, url: entry.url }, config);
      const claimed = findClaimedDate({ document: parseHtml(decoded.text), text: decoded.text, url: entry.url });
      if (!claimed) continue;
      found += 1;
      if (claimed.precision === 'day' && claimed.value === entry.date) correct += 1;
    }
    const accuracy = correct / total;
    console.log(`trafilatura claimed date: accuracy ${accuracy.toFixed(3)}, precision ${(correct / found).toFixed(3)}, recall ${(found / total).toFixed(3)} (${correct} correct, ${found} found, ${total} labelled)`);
    expect(total).toBe(222);
    expect(accuracy).toBeGreaterThanOrEqual(TRAFILATURA_ACCURACY_FLOOR);
  });
});

/** Measured 0.878 (195/222); the floor leaves room for small regressions elsewhere in the pipeline. */
const TRAFILATURA_ACCURACY_FLOOR = 0.85;

describe('findClaimedDate on adversarial markup', () => {
  it('reads a dateline inside 10,000 nested class="date" wrappers with work linear in the depth', () => {
    const depth = 10_000;
    const tower = `<html><body>${'<div class="date">'.repeat(depth)}<p>Posted on 5 April 2018</p>${'</div>'.repeat(depth)}</body></html>`;
    const document = parseHtml(tower);
    const { result: claimed, work } = countDomWork(document.body, () => findClaimedDate({ document, text: tower }));
    console.log(`10,000 nested date wrappers: ${work.steps} steps, ${work.subtreeReads} subtree reads`);
    expect(claimed).toMatchObject({ value: '2018-04-05', precision: 'day' });
    // Quadratic before: textContent of every wrapper, a subtree read per element (about 10 s here). Now a bounded
    // walk per wrapper plus a few whole-page walks.
    expect(work.subtreeReads).toBeLessThan(50);
    expect(work.steps).toBeLessThan(depth * 1_000);
  });
});
