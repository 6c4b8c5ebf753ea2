/**
 * Dates on pages nobody tuned for (issue 13): Chinese, Japanese and Korean formats, dated updates and other articles'
 * dates next to the publication date, lists of numbers that look like dates, UTC timestamps of publishers in other
 * time zones, and the object key as the URL. Every page here is invented for the test.
 */
import { describe, expect, it } from 'vitest';
import { analyzePage } from '../../functions/core/analyze.ts';
import { findClaimedDate, findContentDates } from '../../functions/core/dates/index.ts';
import { urlFromObjectKey } from '../../functions/core/dates/claimed-text.ts';
import { findDatesInText } from '../../functions/core/dates/parse-date-text.ts';
import { parseHtml } from '../../functions/core/html.ts';

const NOW = new Date('2024-06-01T12:00:00Z');
const html = (head: string, body: string, lang = 'en'): { document: Document; text: string } => {
  const text = `<!doctype html><html lang="${lang}"><head><title>An invented page</title>${head}</head><body>${body}</body></html>`;
  return { document: parseHtml(text), text };
};
const claimed = (page: { document: Document; text: string }, extra: { url?: string; objectKey?: string } = {}) => findClaimedDate({ ...page, ...extra }, NOW);
const publishedAt = (stamp: string): string => `<meta property="article:published_time" content="${stamp}">`;
const ARTICLE = '<p>The river festival drew a large crowd to the old harbour, where boats were decorated with lanterns.</p>';

describe('Chinese, Japanese and Korean dates', () => {
  it('reads 2019年4月4日, 2019年4月4号, 2019년 4월 4일, 2019/4/4 09:00 and full-width digits, day-precise', () => {
    const days = ['2019年4月4日', '2019 年 4 月 4 日', '2019年4月4号', '2019년 4월 4일', '2019/4/4 09:00', '２０１９年４月４日'];
    for (const written of days) expect(findDatesInText(`発表 ${written} 記事`)[0]?.date, written).toEqual({ value: '2019-04-04', precision: 'day' });
    expect(findDatesInText('2019年4月の記事')[0]?.date).toEqual({ value: '2019-04', precision: 'month' });
    // A day and month without a year claim nothing.
    expect(findDatesInText('4月4日に発表')).toEqual([]);
  });

  it('reads them as the claimed date in bylines, datelines and introduced by 发布时间 / 公開日 / 입력', () => {
    expect(claimed(html('', `<div class="article-date">2019年4月4日 09:00</div>${ARTICLE}`, 'ja'))).toMatchObject({ value: '2019-04-04', source: 'header' });
    expect(claimed(html('', `<h1>河边的节日</h1><p>发布时间：2019年4月4日 来源：本报</p>${ARTICLE}`, 'zh'))).toMatchObject({ value: '2019-04-04', source: 'header' });
    expect(claimed(html('', `<h1>강변 축제</h1><p>입력 2019년 4월 4일 오전 9:00</p>${ARTICLE}`, 'ko'))).toMatchObject({ value: '2019-04-04', source: 'header' });
    expect(findClaimedDate({ text: '川辺の祭り\n2019/4/4 09:00\n\n祭りには多くの人が集まった。' }, NOW)).toMatchObject({ value: '2019-04-04', source: 'header' });
  });

  it('reads them as content dates, year-less ones taking the nearest explicit year', () => {
    const chinese = findContentDates('2019年4月4日，河边举行了节日。4月5日，船只离开了港口。', '');
    expect(chinese).toMatchObject({ mentions: 2, dominant: { value: '2019-04' }, latest: { value: '2019-04-05' } });
    const korean = findContentDates('2019년 4월 4일 축제가 열렸다. 2019년 4월 6일 배들이 떠났다.', '');
    expect(korean).toMatchObject({ mentions: 2, dominant: { value: '2019-04' } });
    expect(findContentDates('The vote was held on 2019/4/4 09:00 and counted on 2019/4/5.', '')).toMatchObject({ mentions: 2, dominant: { value: '2019-04' } });
  });
});

describe('Russian, Ukrainian, Romanian and Arabic month names', () => {
  it('reads them, Arabic with its two month names and Arabic-Indic digits', () => {
    expect(findDatesInText('Опубликовано 17 августа 2020 г.')[0]?.date).toEqual({ value: '2020-08-17', precision: 'day' });
    expect(findDatesInText('15 серпня 2016 року')[0]?.date).toEqual({ value: '2016-08-15', precision: 'day' });
    expect(findDatesInText('duminică, 20 septembrie 2020')[0]?.date).toEqual({ value: '2020-09-20', precision: 'day' });
    expect(findDatesInText('تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً')[0]?.date).toEqual({ value: '2020-04-24', precision: 'day' });
    expect(findDatesInText('٧ أكتوبر ٢٠٢٠')[0]?.date).toEqual({ value: '2020-10-07', precision: 'day' });
  });
});

describe('dated updates and other articles are never the publication date', () => {
  it('takes the publication over "Last update", "last modified on", 更新日 and 수정, wherever they stand', () => {
    const body = `<p>Last update: 9 June 2020</p><h1>Harbour festival</h1><p>Published 5 April 2018</p>${ARTICLE}`;
    expect(claimed(html('', body))).toMatchObject({ value: '2018-04-05' });
    const japanese = `<p>更新日：2020年6月9日</p><p>公開日：2018年4月5日</p>${ARTICLE}`;
    expect(claimed(html('', japanese, 'ja'))).toMatchObject({ value: '2018-04-05' });
    const korean = `<p>수정 2020년 6월 9일</p><p>입력 2018년 4월 5일</p>${ARTICLE}`;
    expect(claimed(html('', korean, 'ko'))).toMatchObject({ value: '2018-04-05' });
  });

  it('claims nothing rather than a date that is only an update', () => {
    const wiki = `<h1>Harbour</h1>${ARTICLE}<div id="page-info"><p>This page was last modified on 4 November 2020, at 19:23.</p></div>`;
    expect(claimed(html('', wiki))).toBeNull();
    expect(claimed(html('', `${ARTICLE}<p>Zuletzt aktualisiert am 4. November 2020</p>`, 'de'))).toBeNull();
  });

  it('skips dates of recent-post widgets and related-article lists, in markup and in the visible text', () => {
    const widget = '<ul><li id="recent-posts-2" class="widget widget_recent_entries"><a href="/other">Another story</a> <span class="post-date">09/09/2019</span></li></ul>';
    const own = `<h3>Harbour festival</h3><div class="post_detail"><div class="post_detail_item">&nbsp; 27 Sep 2016</div></div>${ARTICLE}`;
    expect(claimed(html('', widget + own))).toMatchObject({ value: '2016-09-27' });
    const related = '<section class="related-articles"><h2>More</h2><p>01. Juli 2020</p><p>25. Juni 2020</p></section>';
    expect(claimed(html('', `${related}<h1>Hafenfest</h1><p>18. März 2020</p>${ARTICLE}`, 'de'))).toMatchObject({ value: '2020-03-18' });
    // The same page without its own dateline: the related list's dates are not taken.
    expect(claimed(html('', `${related}<h1>Hafenfest</h1>${ARTICLE}`, 'de'))).toBeNull();
  });
});

describe('lists of numbers are not dates', () => {
  it('does not read 1/3/7/8/20 or 2019/4/4/5 as a date, and still reads 7/8/20 alone', () => {
    expect(findDatesInText('Supports LTE bands 1/3/7/8/20 and 38/40.')).toEqual([]);
    expect(findDatesInText('Parts 2019/4/4/5 in stock')).toEqual([]);
    expect(findDatesInText('Filed 7/8/20 by the clerk', { monthFirst: true })[0]?.date).toEqual({ value: '2020-07-08', precision: 'day' });
  });

  it('claims nothing from a band list, and counts no content date in it', () => {
    const phone = '<h1>Phone review</h1><p>Frequency bands: 1/3/7/8/20 (LTE), 2/5/8 (3G).</p><p>Frequency bands: 1/3/7/8/20</p>';
    expect(claimed(html('', phone))).toBeNull();
    expect(findContentDates('The phone supports bands 1/3/7/8/20 and 1/3/7/8/20/28.', '').mentions).toBe(0);
  });
});

describe('a UTC timestamp and the publisher\'s local day', () => {
  // 02:54 UTC on 2 May is the evening of 1 May in New York.
  const utcMeta = publishedAt('2020-05-02T02:54:29Z');

  it('converts to the offset the page writes in another timestamp (scripts included)', () => {
    const page = html(utcMeta, `<script>window.page = {"updated": "2020-05-02T09:10:00-04:00"}</script>${ARTICLE}`);
    expect(claimed(page)).toMatchObject({ value: '2020-05-01', source: 'meta' });
    expect(claimed(page)?.evidence).toContain('local day at offset of 2020-05-02T09:10:00-04:00');
  });

  it('converts to an IANA time zone the page names, daylight saving included', () => {
    const page = html(utcMeta, `<script>var site = { "timezone": "America/New_York" };</script>${ARTICLE}`);
    expect(claimed(page)).toMatchObject({ value: '2020-05-01' });
    // 16:30 UTC is already the next day in Tokyo.
    expect(claimed(html(publishedAt('2019-04-03T16:30:00Z'), `<script>cfg={"time_zone":"Asia/Tokyo"}</script>${ARTICLE}`, 'ja'))).toMatchObject({ value: '2019-04-04' });
  });

  it('converts to a zone abbreviation written after a clock time', () => {
    expect(claimed(html(utcMeta, `<p class="byline">By the desk, 10:54 PM EDT</p>${ARTICLE}`))).toMatchObject({ value: '2020-05-01' });
    expect(claimed(html(publishedAt('2021-11-04T23:30:00Z'), `<p>Stand: 00:30 MEZ</p>${ARTICLE}`, 'de'))).toMatchObject({ value: '2021-11-05' });
  });

  it('keeps the written day with low confidence when the page states no zone and the hour allows another day', () => {
    const unknown = claimed(html(utcMeta, ARTICLE));
    expect(unknown).toMatchObject({ value: '2020-05-02', confidence: 'low' });
    expect(unknown?.evidence).toContain('the page states no time zone');
    // 10:04 UTC is the same day from UTC-10 to UTC+13: no doubt to state.
    expect(claimed(html(publishedAt('2020-07-09T10:04:04Z'), ARTICLE))).not.toHaveProperty('confidence');
  });
  it("takes the day the page states in local terms before converting by an offset found elsewhere", () => {
    // The UTC value is another instant (a CMS's epoch, 30 minutes earlier) than the local one the <time> states.
    const page = html(publishedAt('2022-05-04T01:07:19Z'), `<p><time>2022-05-04T00:38:19-03:00</time></p>${ARTICLE}`, 'es');
    expect(claimed(page)).toMatchObject({ value: '2022-05-04', source: 'meta' });
  });
});

describe('the object key as the URL', () => {
  it('reads keys that look like a URL path, and not upload folders', () => {
    expect(urlFromObjectKey('example.com/2021/06/story.html')).toBe('https://example.com/2021/06/story.html');
    expect(urlFromObjectKey('https%3A%2F%2Fnews.example.org%2F2021%2F06%2F07%2Fstory')).toBe('https://news.example.org/2021/06/07/story');
    expect(urlFromObjectKey('2021/06/07/slug.html')).toBe('https://object-key.invalid/2021/06/07/slug.html');
    expect(urlFromObjectKey('uploads/2024/05/page.html')).toBeUndefined();
    expect(urlFromObjectKey('page.html')).toBeUndefined();
    expect(urlFromObjectKey('crawl-2024-05.warc.gz')).toBeUndefined();
  });

  it('dates an uploaded page from its key when the page states no date, through analyzePage', () => {
    const bytes = new TextEncoder().encode(`<!doctype html><html><head><title>Harbour</title></head><body><article><h1>Harbour festival</h1>${ARTICLE.repeat(6)}</article></body></html>`);
    expect(analyzePage(bytes, { fileName: 'example.com/2021/06/07/harbour-festival.html' }).claimedDate).toMatchObject({ value: '2021-06-07', source: 'url' });
    expect(analyzePage(bytes, { fileName: 'uploads/2024/05/harbour-festival.html' }).claimedDate).toBeNull();
    // A given URL comes first.
    expect(analyzePage(bytes, { fileName: 'example.com/2021/06/07/harbour.html', url: 'https://example.com/2020/01/02/harbour' }).claimedDate).toMatchObject({ value: '2020-01-02' });
  });

  it("reads the page's own canonical URL or og:url when no URL is given", () => {
    expect(claimed(html('<link rel="canonical" href="https://blog.example.net/2014/05/18/spring/">', ARTICLE))).toMatchObject({ value: '2014-05-18', source: 'url' });
    expect(claimed(html('<meta property="og:url" content="https://example.cl/sport/2020/08/24/670291/story.aspx">', ARTICLE))).toMatchObject({ value: '2020-08-24', source: 'url' });
  });

  it('reads the URL a redirect stub sends the reader to (meta refresh, location.href), and not the links of a real page', () => {
    const stub = '<p>You will be connected to <b>news.example.se</b> in a moment...</p><script>document.cookie="x=1";location.href="https://news.example.se/20200428/a-story?attempt=1";</script>';
    expect(claimed(html('', stub))).toMatchObject({ value: '2020-04-28', source: 'url' });
    expect(claimed(html('<meta http-equiv="Refresh" content="0; URL=https://example.org/2019/03/07/moved.html">', '<p>Moved.</p>'))).toMatchObject({ value: '2019-03-07', source: 'url' });
    // A page with its own text that merely scripts a link elsewhere is not a stub.
    const page = `${ARTICLE.repeat(4)}<script>function go(){location.href="https://other.example/2011/01/02/x";}</script>`;
    expect(claimed(html('', page))).toBeNull();
  });
});

describe('dates that are not the page\'s own', () => {
  it('skips a current-date widget ("Aktuelles Datum und Uhrzeit", class current-time)', () => {
    const forum = `<h1>Forenregeln</h1><div class="post-date">26.10.2013</div>${ARTICLE}<div class="current-time">Aktuelles Datum und Uhrzeit: 11.02.2020, 19:22</div>`;
    expect(claimed(html('', forum, 'de'))).toMatchObject({ value: '2013-10-26' });
    expect(claimed(html('', `<h1>Regeln</h1>${ARTICLE}<div class="current-date">Current date: 11 February 2020</div>`))).toBeNull();
  });

  it('takes the day a <time> says in words it was published ("Publié le 29 juin 2019") over its datetime of another day', () => {
    const stated = `<h1>Les grenades</h1><p><time datetime="2019-07-03T10:18:46Z">Publié le 29 juin 2019</time></p>${ARTICLE}`;
    expect(claimed(html('', stated, 'fr'))).toMatchObject({ value: '2019-06-29', source: 'time-element' });
    // Without a publication word, or on the same day, the machine value stands.
    expect(claimed(html('', `<h1>Les grenades</h1><p><time datetime="2019-07-03T10:18:46Z">29 juin 2019</time></p>${ARTICLE}`, 'fr'))).toMatchObject({ value: '2019-07-03' });
  });

  it('takes "January 13, 2020 at 08:45 AM" under a title for a dateline, and not "was released on November 5, 2019" in a sentence', () => {
    const post = `<h2>A journey</h2><small>January 13, 2020 at 08:45 AM | categories: software</small><p>Version 5.2 was released on November 5, 2019. It is the first one.</p>`;
    expect(claimed(html('', post))).toMatchObject({ value: '2020-01-13', source: 'header' });
    const sentenceOnly = '<h2>A journey</h2><p>Version 5.2 was released on November 5, 2019. It is the first one of its kind for years.</p><p>Nothing else is dated here at all.</p>';
    expect(claimed(html('', sentenceOnly))).toMatchObject({ value: '2019-11-05', evidence: 'November 5, 2019' }); // only the last resort, the first date
  });

  it('takes the first date of a page without markup, not a day its article discusses more often', () => {
    const discussed = '<p>Ab 1. Oktober 2022 gilt die neue Umlage.</p>'.repeat(5);
    expect(claimed(html('', `<h1>Gasumlage</h1><p>Von der Redaktion, 21.11.2022, Berlin</p>${discussed}${ARTICLE}`, 'de'))).toMatchObject({ value: '2022-11-21' });
  });

  it('does not take a bare date opening a line deep in the page (a teaser list) for the dateline', () => {
    const longArticle = ARTICLE.repeat(120); // about 12,000 characters of article before the teasers
    const teasers = '<div class="more"><p>Die Rückkehr des Preisprotestes</p><p>29.11.2022</p></div>';
    // The only early date stands in a sentence: no dateline, so the last resort (the first date) takes it.
    const page = html('', `<h1>Hafenfest</h1><p>Das Fest findet seit dem 18.03.2020 jedes Jahr am Hafen statt.</p>${longArticle}${teasers}`, 'de');
    expect(claimed(page)).toMatchObject({ value: '2020-03-18' });
  });
  it('takes a visible dateline over a generic <meta name="date"> of another day, and not over a publication meta', () => {
    const dateline = `<h1>Rüstungskonzern</h1><p>Veröffentlicht am 28.04.2020 18:10 Uhr</p>${ARTICLE}`;
    expect(claimed(html('<meta name="date" content="2020-04-29T11:52:23">', dateline, 'de'))).toMatchObject({ value: '2020-04-28', source: 'header' });
    expect(claimed(html('<meta name="DC.date" content="2020-04-29">', dateline, 'de'))).toMatchObject({ value: '2020-04-28', source: 'header' });
    const specific = '<meta name="date" content="2020-04-29T11:52:23"><meta property="article:published_time" content="2020-04-29T11:52:23+02:00">';
    expect(claimed(html(specific, dateline, 'de'))).toMatchObject({ value: '2020-04-29', source: 'meta' });
    // A date in a sentence is no dateline: the generic meta stands.
    expect(claimed(html('<meta name="date" content="2020-04-29">', `<h1>Rüstungskonzern</h1><p>Die Hauptversammlung am 28.04.2020 beschloss den Verkauf der Sparte an einen Fonds.</p>${ARTICLE}`, 'de'))).toMatchObject({ value: '2020-04-29', source: 'meta' });
  });
});
