import { makePartialDate } from './partial-date.ts';
import type { Candidate } from './claimed-html.ts';
import { findDatesInText, parseDateValue, type DateMatch, type ParseOptions } from './parse-date-text.ts';

/** Claimed-date candidates that need no DOM: S3 object metadata, the URL path, and a dateline in the text. */

/** S3 user-metadata keys (lower case, no x-amz-meta- prefix) that carry the page's publication date, in priority order. */
const METADATA_KEYS = ['published', 'published-date', 'publication-date', 'date-published', 'datepublished', 'pubdate', 'published-at', 'date', 'created'];

export function metadataCandidate(metadata: Record<string, string> | undefined, options: ParseOptions): Candidate | null {
  if (!metadata) return null;
  const lowered = new Map(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of METADATA_KEYS) {
    const value = lowered.get(key);
    const date = value ? parseDateValue(value, options) : null;
    if (date) return { date, source: 'metadata', evidence: `x-amz-meta-${key}: ${value}` };
  }
  return null;
}

/** URL path patterns, day-precise first: /2018/04/05/, -2018-04-05-, /20180405/, then /2018/04/, /201804/, /2018/. */
const URL_PATTERNS: [RegExp, 'day' | 'month' | 'year'][] = [
  // A one-digit "day" followed by a dash opens a slug ("/2023/10/3-fragen-an"), not a date.
  [/\/((?:19|20)\d{2})\/(\d{1,2})\/(\d{2}(?=[/_.-]|$)|\d(?=[/_.]|$))/, 'day'],
  [/[/_-]((?:19|20)\d{2})[-_.](\d{2})[-_.](\d{2})(?!\d)/, 'day'],
  [/\/((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)/, 'day'],
  [/\/((?:19|20)\d{2})[/_-](\d{1,2})(?=\/)/, 'month'],
  [/\/((?:19|20)\d{2})(\d{2})(?=\/)/, 'month'],
  [/\/((?:19|20)\d{2})(?=\/)/, 'year'],
];

/** The date in a URL's path, day-precise when the path has one. */
export function urlCandidate(url: string | undefined): Candidate | null {
  if (!url) return null;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  // Archive copies (web.archive.org/web/20210916140120/...) carry the capture date, not the page's.
  path = path.replace(/^\/web\/\d+[a-z_]*\//, '/');
  for (const [pattern, precision] of URL_PATTERNS) {
    const m = pattern.exec(path);
    if (!m) continue;
    const year = Number(m[1]);
    const date =
      precision === 'day' ? makePartialDate(year, Number(m[2]), Number(m[3])) : precision === 'month' ? makePartialDate(year, Number(m[2])) : makePartialDate(year);
    if (date) return { date, source: 'url', evidence: url };
  }
  return null;
}

/**
 * The object key as the page's URL when it looks like one: a host name first (`example.com/2021/06/story.html`,
 * an http(s) URL, percent-encoded or not), or a date path first (`2021/06/07/slug.html`). Other keys with dates
 * ("uploads/2024/05/page.html") are more likely upload folders than the page's path, and are not read.
 */
export function urlFromObjectKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  let path = key.replace(/#.*$/, '');
  try {
    if (/%2F/i.test(path)) path = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  path = path.replace(/^https?:\/+/i, '');
  const firstSegment = path.split('/')[0] ?? '';
  const isHost = /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?$/i.test(firstSegment) && !/\.(?:html?|txt|gz|warc|arc|jsonl?|xml|php|aspx?)$/i.test(firstSegment);
  if (isHost && path.includes('/')) return `https://${path}`;
  if (/^(?:19|20)\d{2}\/\d{1,2}\/(?:\d{1,2}\/)?[^/]+$/.test(path)) return `https://object-key.invalid/${path}`;
  return undefined;
}

/** Words that introduce a publication dateline, in the evaluation pages' languages; searched in the whole text. */
const STRONG_PREFIX =
  /(?:(?<![\p{L}])(?:posted|published|publi[ée]e?|pubblicato|publicado|veröffentlicht|erschienen|erstellt|geschrieben|written|datum|stand|zuletzt)(?![\p{L}])|发布|發布|发表|發表|公開日?|公开|掲載|投稿日?|作成日|작성일?|입력|등록일?|게재)[^\n\d]{0,25}$/iu;
/** Weaker introductions ("on", "date"), trusted only near the top of the text. */
const WEAK_PREFIX = /(?<![\p{L}])(?:on|date|dated|le)(?![\p{L}])[^\n\d]{0,6}$/iu;
/** ...unless the line so far is a sentence whose verb the date completes ("Mercurial 5.2 was released on"): an event. */
const SENTENCE_BEFORE_WEAK_PREFIX = /(?<![\p{L}])(?:was|were|is|are|been|will|has|had|wurde|wird|ist|sind|été|est|fue|fu)(?![\p{L}])[^\n]*$/iu;
/** Words that introduce an update ("Updated", "Last update", "last modified on", 更新, 수정): never the publication date. */
const MODIFIED_PREFIX =
  /(?:(?<![\p{L}])(?:updated?|modified|edited|revised|aktualisiert|geändert|mis à jour|mise à jour|actualizado|actualización|aggiornato|bijgewerkt)(?![\p{L}])|更新|修改|修正|最終|수정|업데이트)[^\n\d]{0,25}$/iu;
const HEAD_CHARS = 4000;
const WEB_PAGE_CHARS = 200_000;
/**
 * A bare date opening its line counts as the page's dateline only this far into the visible text: deeper down it
 * dates an item of a teaser list or a footer ("Die Rückkehr des Preisprotestes\n29.11.2022"). On fold A and trafilatura
 * the right ones stood within the first 6,000 characters, the wrong ones past 15,000 (85% into their pages).
 */
const LINE_OPENING_DATE_CHARS = 10_000;
/** A dateline opens a line: a date, maybe after a place and a comma ("Karlsruhe, (12.11.2021).", "02.02.2022 10:16 Uhr"). */
const LINE_OPENING_PLACE = /(?:^|\n)[ \t]*(?:\p{Lu}[\p{L}.'-]*(?:[ /-]\p{Lu}[\p{L}.'-]*){0,2}\s*,\s*\(?)?$/u;
/** ...and the date ends the line, is closed by a parenthesis or followed by a clock time ("at 08:45 AM"), not continued as a sentence. */
const DATELINE_CLOSE = /^(?:\)|,?\s*(?:(?:at|um|à|a las|alle|om)\s+)?\d{1,2}[:.h]\d{2}(?!\d)|[ \t]*(?:\n|$))/u;

/** Weekday names (en, de, fr): "Tuesday, (08 Dec 2020)" is a calendar widget, not a place. */
const WEEKDAY = /(?<![\p{L}])(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|diens|donners|frei|sams|sonn)tag|mittwoch|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?![\p{L}])/iu;

/**
 * The date of a line that is a dateline rather than a sentence: the date is (nearly) the whole line
 * ("JUNE 2021", "Tuesday, April 5, 2018"), or the line opens with "Posted on", "Updated:", "Veröffentlicht am"...
 */
export function datelineLineMatch(line: string, options: ParseOptions = {}): DateMatch | null {
  const trimmed = line.trim();
  if (!trimmed || trimmed.length > 80) return null;
  const [match] = findDatesInText(trimmed, options);
  if (!match) return null;
  if (trimmed.length <= 40 && trimmed.length - match.text.length <= 12) return match;
  const before = trimmed.slice(0, match.index);
  return before.length <= 40 && (STRONG_PREFIX.test(before) || MODIFIED_PREFIX.test(before)) && /^\W*\p{L}/u.test(before) && /^(?:\S+\s+){0,4}\S*$/u.test(before.trim()) ? match : null;
}

/**
 * A visible dateline: a line near the top that is only a date ("JUNE 2021", "April 5, 2018"), or a date
 * introduced by "Posted on", "Published", "Veröffentlicht am", "Stand:"... Updates ("Updated April 6") are skipped.
 * Datelines with a weak introduction ("on 5 April 2018") count only in the first few thousand characters;
 * a line that opens with a day-precise date, maybe after a place, and is closed there or by a clock time
 * ("January 18, 2020" alone, "Karlsruhe, (12.11.2021).", "02.02.2022 10:16 Uhr - ...") counts anywhere.
 */
export function datelineCandidate(text: string, options: ParseOptions, isWebPage = false): Candidate | null {
  // A web page's visible text is searched whole; a plain-text scrape only where its header would be.
  const maxChars = isWebPage ? WEB_PAGE_CHARS : HEAD_CHARS;
  const lines = text.slice(0, HEAD_CHARS).split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 12);
  for (const line of lines) {
    const match = datelineLineMatch(line, options);
    // On a web page the top lines are the site's header, where a weekday-dated line is its calendar widget.
    if (isWebPage && WEEKDAY.test(line)) continue;
    if (match && !MODIFIED_PREFIX.test(line.slice(0, match.index))) return { date: match.date, source: 'header', evidence: line };
  }
  const searched = text.slice(0, maxChars);
  for (const match of findDatesInText(searched, options)) {
    const before = searched.slice(Math.max(0, match.index - 40), match.index);
    if (MODIFIED_PREFIX.test(before)) continue;
    if (match.date.precision !== 'day') continue;
    const opensLine = match.index < LINE_OPENING_DATE_CHARS && LINE_OPENING_PLACE.test(before) && !WEEKDAY.test(before.slice(before.lastIndexOf('\n') + 1)) && DATELINE_CLOSE.test(searched.slice(match.index + match.text.length, match.index + match.text.length + 12));
    const weak = match.index < HEAD_CHARS && WEAK_PREFIX.test(before) && !SENTENCE_BEFORE_WEAK_PREFIX.test(before.slice(before.lastIndexOf('\n') + 1));
    if (!opensLine && !STRONG_PREFIX.test(before) && !weak) continue;
    const evidence = searched.slice(Math.max(0, match.index - 40), match.index + match.text.length).replace(/\s+/g, ' ').trim();
    return { date: match.date, source: 'header', evidence };
  }
  return null;
}

/**
 * Last resort for pages without date markup: the first full date of the visible text, as a publication date stands
 * above the article. Not the date mentioned most often (as before): that is the article's subject when it discusses a
 * day ("ab 1. Oktober 2022" six times below the page's "21.11.2022"). Month- and year-only mentions and update dates
 * are skipped.
 */
export function firstDateCandidate(text: string, options: ParseOptions, isPlausible: (c: Candidate) => boolean): Candidate | null {
  for (const match of findDatesInText(text, options)) {
    if (match.date.precision !== 'day') continue;
    const candidate: Candidate = { date: match.date, source: 'header', evidence: match.text };
    if (isPlausible(candidate) && !MODIFIED_PREFIX.test(text.slice(Math.max(0, match.index - 40), match.index))) return candidate;
  }
  return null;
}
