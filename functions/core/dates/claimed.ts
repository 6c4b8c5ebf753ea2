import type { ClaimedDate } from '../types.ts';
import { findHtmlCandidates, scriptKeyCandidate, type Candidate, type HtmlCandidates } from './claimed-html.ts';
import { datelineCandidate, frequentDateCandidate, metadataCandidate, urlCandidate } from './claimed-text.ts';
import { isPlausibleDate, partialDateEnd, partialDateStart } from './partial-date.ts';
import type { ParseOptions } from './parse-date-text.ts';

export interface ClaimedDateInput {
  /** The page's DOM before Readability touched it (HTML pages only). */
  document?: Document;
  /** The whole decoded page: HTML source, or the raw text of a plain-text scrape. */
  text: string;
  url?: string;
  /** S3 user metadata, keys lower case without the x-amz-meta- prefix. */
  metadata?: Record<string, string>;
}

/**
 * The date a page claims for itself: its publication date (htmldate's original_date=True), never a modification
 * date unless nothing else exists. Sources in priority order, the first plausible one wins:
 *   1. S3 object metadata (published, date, ...): the uploader's own statement
 *   2. publication <meta> tags (article:published_time, citation_publication_date, DC.date.issued, ... date)
 *   3. JSON-LD datePublished / dateCreated (@graph included)
 *   4. a day-precise date in the URL path (/2018/04/05/)
 *   5. <time datetime> / <abbr> / itemprop=datePublished markup (pubdate and "published" classes first)
 *   6. short texts of elements whose class/id names a date or byline ("entry-date", "byline", "datum")
 *   7. a visible dateline in the text ("JUNE 2021" alone on a line near the top; "Posted on 5 April 2018")
 *   8. modification dates (article:modified_time, dateModified, <time class="updated">)
 *   9. a month- or year-precise URL date (/2018/04/)
 *  10. HTML only: publication keys in inline scripts ("published_at": "...", dc:date="...")
 *  11. HTML only: the full date mentioned most often in the visible text
 * A month- or year-precise winner is refined to a day when a lower-priority source gives a day inside its period.
 * Dates before 1995 or after tomorrow are ignored.
 */
export function findClaimedDate(input: ClaimedDateInput, now: Date = new Date()): ClaimedDate | null {
  const lang = pageLanguage(input.document);
  const options: ParseOptions = { monthFirst: lang === '' || lang === 'en' || lang === 'en-us', utcOffsetHours: publisherUtcOffset(lang) };
  const isPlausible = (c: Candidate): boolean => isPlausibleDate(c.date, now);
  const url = urlCandidate(input.url);
  const urlDay = url?.date.precision === 'day' ? url : null;

  // Sources in priority order, each computed only if every earlier one failed to give a day.
  const sources: (() => Candidate | null | Candidate[])[] = [() => metadataCandidate(input.metadata, options)];
  const document = input.document;
  if (document) {
    let html: HtmlCandidates | undefined;
    let visible: string | undefined;
    const markup = (): HtmlCandidates => (html ??= findHtmlCandidates(document, options));
    const text = (): string => (visible ??= visibleText(input.text));
    sources.push(
      () => markup().published.filter((c) => c.source === 'meta' || c.source === 'json-ld'),
      () => urlDay,
      () => markup().published.filter((c) => c.source === 'time-element'),
      () => markup().published.filter((c) => c.source === 'header'),
      () => datelineCandidate(text(), options, 200_000),
      () => markup().modified,
      () => url,
      () => scriptKeyCandidate(input.text, options, isPlausible),
      () => frequentDateCandidate(text(), options, isPlausible),
    );
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
      if (best.date.precision === 'day') return toClaimedDate(best);
    }
  }
  return best ? toClaimedDate(best) : null;
}

function toClaimedDate(c: Candidate): ClaimedDate {
  return { value: c.date.value, precision: c.date.precision, source: c.source, evidence: c.evidence };
}

function within(inner: Candidate, outer: Candidate): boolean {
  const start = partialDateStart(inner.date).getTime();
  return start >= partialDateStart(outer.date).getTime() && start <= partialDateEnd(outer.date).getTime();
}

/** The page's declared language, lower case ('' when unknown). US English pages write 04/05/2018 month first. */
function pageLanguage(document: Document | undefined): string {
  return (document?.documentElement?.getAttribute('lang') ?? '').trim().toLowerCase();
}

/**
 * A rough guess of the publisher's time zone from the page language, to read UTC timestamps as the local day
 * readers saw: US English -5 h, continental European languages +1 h, otherwise UTC.
 */
function publisherUtcOffset(lang: string): number {
  if (lang === 'en' || lang === 'en-us') return -5;
  if (/^(de|fr|it|es|nl|pl|cs|da|sv|no|nb|hu|sk|sl|hr)\b/.test(lang)) return 1;
  return 0;
}

/** The page's visible text from its HTML source: scripts, styles and comments dropped, tags become line breaks. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?(?:p|div|br|li|h\d|tr|td|article|section|header|footer)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ');
}
