import type { ClaimedDate } from '../types.ts';
import { readPageMetadata } from '../extract/metadata.ts';
import { findHtmlCandidates, ownVisibleText, scriptKeyCandidate, type Candidate, type HtmlCandidates } from './claimed-html.ts';
import { datelineCandidate, firstDateCandidate, metadataCandidate, urlCandidate, urlFromObjectKey } from './claimed-text.ts';
import { daysBetween, isPlausibleDate, makePartialDate, partialDateEnd, partialDateStart } from './partial-date.ts';
import type { ParseOptions } from './parse-date-text.ts';
import { statedUtcOffset, type StatedOffset } from './time-zone.ts';

export interface ClaimedDateInput {
  /** The page's DOM before Readability touched it (HTML pages only). */
  document?: Document;
  /** The whole decoded page: HTML source, or the raw text of a plain-text scrape. */
  text: string;
  url?: string;
  /** The S3 object key (or file name): read as the URL when there is none and the key looks like a URL path. */
  objectKey?: string;
  /** S3 user metadata, keys lower case without the x-amz-meta- prefix. */
  metadata?: Record<string, string>;
}

/**
 * The date a page claims for itself: its publication date (htmldate's original_date=True), never a modification
 * date unless nothing else exists. Sources in priority order, the first plausible one wins:
 *   1. S3 object metadata (published, date, ...): the uploader's own statement
 *   2. a day-precise URL date lying more than URL_FIRST_DAY_GAP days before the date of 3 or 4 (see urlBeforeMarkup)
 *   3. publication <meta> tags (article:published_time, citation_publication_date, DC.date.issued, ... date), but
 *      a visible dateline (8) of another day first when the only ones are generic names (date, dc.date, dcterms.date)
 *   4. JSON-LD datePublished / dateCreated (@graph included)
 *   5. a day-precise date in the URL path (/2018/04/05/)
 *   6. <time datetime> / <abbr> / itemprop=datePublished markup (pubdate and "published" classes first)
 *   7. short texts of elements whose class/id names a date or byline ("entry-date", "byline", "datum")
 *   8. a visible dateline in the text ("JUNE 2021" alone on a line near the top; "Posted on 5 April 2018")
 *   9. modification dates (article:modified_time, dateModified, <time class="updated">)
 *  10. a month- or year-precise URL date (/2018/04/)
 *  11. HTML only: publication keys in inline scripts ("published_at": "...", dc:date="...")
 *  12. HTML only: the first full date of the visible text
 * The URL is the one given, else the page's own canonical URL or og:url, else the object key when it looks like a
 * URL path (urlFromObjectKey). Visible texts (7, 8, 12) leave out sidebars, teaser lists and comment threads, and
 * dates introduced as updates ("Updated", "last modified on", 更新) are never taken for the publication.
 * A month- or year-precise winner is refined to a day when a lower-priority source gives a day inside its period.
 * Timestamps are read as written; a UTC one may then be moved to the local day another source shows (see below).
 * Dates before 1995 or after tomorrow are ignored.
 */
export function findClaimedDate(input: ClaimedDateInput, now: Date = new Date()): ClaimedDate | null {
  const lang = pageLanguage(input.document);
  const options: ParseOptions = { monthFirst: lang === '' || lang === 'en' || lang === 'en-us' };
  const isPlausible = (c: Candidate): boolean => isPlausibleDate(c.date, now);
  const url = urlCandidate(input.url) ?? pageUrlCandidate(input);
  const urlDay = url?.date.precision === 'day' ? url : null;

  // Sources in priority order, each computed only if every earlier one failed to give a day.
  const sources: (() => Candidate | null | Candidate[])[] = [() => metadataCandidate(input.metadata, options)];
  // Dates the page states in its own (local) terms, to tell the local day of a UTC timestamp.
  let localDays = (): (Candidate | null)[] => [urlDay];
  let offset = (at: Date): StatedOffset | null => statedUtcOffset('', () => input.text, at);
  const document = input.document;
  if (document) {
    let html: HtmlCandidates | undefined;
    let visible: string | undefined;
    const markup = (): HtmlCandidates => (html ??= findHtmlCandidates(document, options));
    const text = (): string => (visible ??= ownVisibleText(document));
    sources.push(
      () => urlBeforeMarkup(urlDay, markup().published),
      () => datelineOverGenericMeta(markup().published, () => datelineCandidate(text(), options, true), isPlausible),
      () => urlDay,
      () => markup().published.filter((c) => c.source === 'time-element'),
      () => markup().published.filter((c) => c.source === 'header'),
      () => datelineCandidate(text(), options, true),
      () => markup().modified,
      () => url,
      () => scriptKeyCandidate(input.text, options, isPlausible),
      () => firstDateCandidate(text(), options, isPlausible),
    );
    // Visible texts are left out: "Today's paper: Sunday, July 19" widgets show the reader's day, not the publisher's.
    localDays = () => [urlDay, ...markup().published.filter((c) => c.source !== 'header')];
    offset = (at) => statedUtcOffset(input.text, text, at);
  } else {
    sources.push(() => urlDay, () => datelineCandidate(input.text, options), () => url);
  }

  let best: Candidate | null = null;
  for (const source of sources) {
    const found = source();
    for (const candidate of Array.isArray(found) ? found : found ? [found] : []) {
      if (!isPlausible(candidate)) continue;
      // A month- or year-precise winner takes a day from a later source when that day lies inside its period.
      if (!best) best = candidate;
      else if (candidate.date.precision === 'day' && within(candidate, best)) best = candidate;
      if (best.date.precision === 'day') return toClaimedDate(localDayOfUtcCandidate(best, localDays(), offset));
    }
  }
  return best ? toClaimedDate(best) : null;
}

/**
 * The page's own canonical URL or og:url, else where a redirect stub sends the reader, else the object key read as a
 * URL: for pages uploaded without a URL.
 */
function pageUrlCandidate(input: ClaimedDateInput): Candidate | null {
  const canonical = input.document ? readPageMetadata(input.document, undefined).canonicalUrl : null;
  return urlCandidate(canonical ?? undefined) ?? urlCandidate(input.document ? redirectTarget(input.document, input.text) : undefined) ?? urlCandidate(urlFromObjectKey(input.objectKey));
}

/** Most visible characters a page may have and still be a redirect stub rather than a page that links elsewhere. */
const REDIRECT_STUB_CHARS = 300;
const SCRIPT_REDIRECT = /location(?:\.href)?\s*=\s*["'](https?:\/\/[^"'\s]+)["']|location\.(?:replace|assign)\(\s*["'](https?:\/\/[^"'\s]+)["']/;
/** In the source of every page with a `<meta http-equiv="refresh">` (and of a few others): only such pages are looked up in the DOM. */
const MAYBE_META_REFRESH = /http-equiv\s*=\s*["']?\s*refresh/i;

/**
 * A saved page that only redirects (`<meta http-equiv="refresh" content="0;url=...">`, `location.href = "..."`, as
 * cookie walls and URL shorteners leave behind) names the article's URL: the page is that URL's, not its own.
 * The redirect is looked for first (two scans of the source); only a page that has one is measured, which walks its DOM.
 */
function redirectTarget(document: Document, html: string): string | undefined {
  const target = (MAYBE_META_REFRESH.test(html) ? metaRefreshTarget(document) : undefined) ?? scriptRedirectTarget(html);
  if (target === undefined) return undefined;
  return ownVisibleText(document).replace(/\s+/g, ' ').trim().length > REDIRECT_STUB_CHARS ? undefined : target;
}

function metaRefreshTarget(document: Document): string | undefined {
  for (const meta of document.querySelectorAll('meta')) {
    if ((meta.getAttribute('http-equiv') ?? '').toLowerCase() !== 'refresh') continue;
    const target = /url\s*=\s*['"]?(https?:\/\/[^'"\s;]+)/i.exec(meta.getAttribute('content') ?? '')?.[1];
    if (target) return target;
  }
  return undefined;
}

function scriptRedirectTarget(html: string): string | undefined {
  const scripted = SCRIPT_REDIRECT.exec(html);
  return scripted?.[1] ?? scripted?.[2];
}

/**
 * The publication meta and JSON-LD candidates, unless all of them are generic meta names (`<meta name="date">`,
 * dc.date, dcterms.date: CMSs fill them with the last save as often as the publication) and the visible dateline the
 * publisher wrote names another day: then the dateline. Not a <time> or a date-classed element: those date teasers
 * and comments too. On fold A and trafilatura the dateline was right on all 4 pages where the two differed.
 */
function datelineOverGenericMeta(published: Candidate[], dateline: () => Candidate | null, isPlausible: (c: Candidate) => boolean): Candidate[] {
  const markup = published.filter((c) => c.source === 'meta' || c.source === 'json-ld');
  const days = markup.filter((c) => c.date.precision === 'day' && isPlausible(c));
  if (days.length === 0 || !days.every((c) => c.genericMeta)) return markup;
  const visible = dateline();
  return visible?.date.precision === 'day' && visible.date.value !== days[0]?.date.value ? [visible] : markup;
}

/** More days than a time zone or an overnight edit explain between a URL's day and a later markup date. */
const URL_FIRST_DAY_GAP = 2;

/**
 * The URL's day when it lies well before the publication date in the markup: a URL is fixed when the page is first
 * published, while CMS migrations and republications rewrite the meta date (htmldate even reads the URL first).
 */
function urlBeforeMarkup(urlDay: Candidate | null, published: Candidate[]): Candidate | null {
  const markup = published.find((c) => (c.source === 'meta' || c.source === 'json-ld') && c.date.precision === 'day');
  if (!urlDay || !markup) return null;
  return daysBetween(partialDateStart(urlDay.date), partialDateStart(markup.date)) > URL_FIRST_DAY_GAP ? urlDay : null;
}

/** Latest UTC hour that can still be the previous local day (UTC-8, the US west coast, at 23:59). */
const PREVIOUS_DAY_BEFORE_UTC_HOUR = 8;
/** Earliest UTC hour that can already be the next local day (UTC+12 at 00:00). */
const NEXT_DAY_FROM_UTC_HOUR = 12;
/** UTC hours of a central European midnight (CEST, CET): a date-only value that a CMS stored as UTC. */
const EUROPEAN_MIDNIGHT_UTC_HOURS = [22, 23];

/**
 * The publisher's local day for a UTC timestamp (the day is read as written, but a timestamp stored in UTC can fall
 * on the day after a US evening or before an Asian morning). The rule, first that applies:
 *   1. a date the page states in local terms (the URL, then dates without a UTC offset in meta, JSON-LD or <time>)
 *      is the written day or the adjacent day the hour makes possible: that day. First, as the publisher's own
 *      statement of the day: converting by an offset found elsewhere on the page is an inference, and the UTC value
 *      may be another instant (an epoch `1651626439` 30 minutes before `<time>2022-05-04T00:38:19-03:00`);
 *   2. the page states its offset or time zone (statedUtcOffset: offset timestamps, an IANA zone, "10:54 PM EDT"):
 *      the instant is converted to it and that day taken;
 *   3. exactly 22:00 or 23:00 UTC: the central European midnight it was converted from (the next day);
 *   4. otherwise the written day is kept, with confidence 'low' when the hour lets the local day differ somewhere
 *      publishers are (before 08:00 UTC: the Americas' previous evening; from 12:00: the next day east of UTC+12).
 */
function localDayOfUtcCandidate(winner: Candidate, others: (Candidate | null)[], statedOffset: (at: Date) => StatedOffset | null): Candidate {
  const utc = winner.utc;
  if (!utc) return winner;
  const written = partialDateStart(winner.date);
  const instant = new Date(written.getTime() + (utc.hour * 60 + utc.minute) * 60_000);
  const witness = others.find((c) => {
    if (!c || c.utc || c.date.precision !== 'day') return false;
    const days = daysBetween(written, partialDateStart(c.date));
    return days === 0 || (days === -1 && utc.hour < PREVIOUS_DAY_BEFORE_UTC_HOUR) || (days === 1 && utc.hour >= NEXT_DAY_FROM_UTC_HOUR);
  });
  if (witness) {
    if (witness.date.value === winner.date.value) return winner;
    return { ...winner, date: witness.date, evidence: `${winner.evidence}; local day from ${witness.source}: ${witness.evidence}` };
  }
  const offset = statedOffset(instant);
  if (offset) {
    const local = new Date(instant.getTime() + offset.minutes * 60_000);
    const date = makePartialDate(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
    if (date && date.value !== winner.date.value) return { ...winner, date, evidence: `${winner.evidence}; local day at ${offset.evidence}` };
    return winner;
  }
  if (utc.wholeHour && EUROPEAN_MIDNIGHT_UTC_HOURS.includes(utc.hour)) {
    const next = new Date(Date.UTC(written.getUTCFullYear(), written.getUTCMonth(), written.getUTCDate() + 1));
    const date = makePartialDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
    if (date) return { ...winner, date, evidence: `${winner.evidence}; a local midnight stored in UTC` };
  }
  const mayDiffer = utc.hour < PREVIOUS_DAY_BEFORE_UTC_HOUR || utc.hour >= NEXT_DAY_FROM_UTC_HOUR;
  return mayDiffer ? { ...winner, confidence: 'low', evidence: `${winner.evidence}; UTC day, the page states no time zone` } : winner;
}

function toClaimedDate(c: Candidate): ClaimedDate {
  const claimed: ClaimedDate = { value: c.date.value, precision: c.date.precision, source: c.source, evidence: c.evidence };
  if (c.confidence) claimed.confidence = c.confidence;
  return claimed;
}

function within(inner: Candidate, outer: Candidate): boolean {
  const start = partialDateStart(inner.date).getTime();
  return start >= partialDateStart(outer.date).getTime() && start <= partialDateEnd(outer.date).getTime();
}

/** The page's declared language, lower case ('' when unknown). US English pages write 04/05/2018 month first. */
function pageLanguage(document: Document | undefined): string {
  return (document?.documentElement?.getAttribute('lang') ?? '').trim().toLowerCase();
}
