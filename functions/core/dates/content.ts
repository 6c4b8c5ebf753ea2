import * as chrono from 'chrono-node';
import type { ContentDates, PartialDate } from '../types.ts';
import { datelineLineMatch } from './claimed-text.ts';
import { findCjkMentions, isInNumberList, looksLikeCalendarDate } from './parse-date-text.ts';
import { comparePartialDates, makePartialDate, partialDateEnd, truncatePartialDate } from './partial-date.ts';

/**
 * The dates an article's text mentions, and the period it covers.
 *
 * - Only explicit calendar mentions count ("April 5, 2018", "5. April", "March 2019", "05.04.2018"); relative ones
 *   ("yesterday", "3 days ago", "last week", "Friday") have no anchor in an archived page and are ignored.
 * - A year-less mention ("On April 5") takes the year of the nearest explicit year written before it in the
 *   article, else the nearest after it, else the first explicit year of the comments (which follow the article:
 *   "April 5, 2018 at 22:19" under an article saying "On April 5"). Never today's year, never the claimed date:
 *   that would make every copy agree with its own claim. Without any explicit year the mention is dropped.
 * - Datelines ("JUNE 2021" alone on a line, "Posted on 5 April 2018") are the page's claim about itself, not
 *   events it reports: those lines are blanked before parsing, and their years resolve nothing.
 * - Comments' own dates count only when the article has none (`from` says which).
 * - Only the first MAX_PARSED_CHARS of each text are parsed: chrono is slow on very long texts and the period an
 *   article covers shows in its first pages.
 */
export const MAX_PARSED_CHARS = 30_000;

const RELATIVE = /\b(?:ago|yesterday|today|tomorrow|tonight|now|last|next|this|vor|gestern|heute|morgen|letzte[nrs]?|nächste[nrs]?)\b/i;
const EXPLICIT_YEAR = /(?<![\d.,/-])((?:19|20)\d{2})(?![\d])/g;
const GERMAN_HINT = /\b(?:der|die|und|nicht|mit|wurde|sich)\b/gi;

interface Mention {
  index: number;
  year?: number;
  month: number;
  day?: number;
}

function explicitYears(text: string): { index: number; year: number }[] {
  return [...text.matchAll(EXPLICIT_YEAR)].map((m) => ({ index: m.index ?? 0, year: Number(m[1]) }));
}

/**
 * Calendar mentions chrono finds, English always, German too when the text reads German; and Chinese, Japanese and
 * Korean ones (2019年4月4日, 4月4日, 2019년 4월 4일), which chrono's en/de parsers do not read.
 */
function calendarMentions(text: string): Mention[] {
  const parsers = [chrono.en.casual];
  if ((text.slice(0, 5000).match(GERMAN_HINT)?.length ?? 0) >= 10) parsers.push(chrono.de.casual);
  // A fixed reference keeps results independent of the day the code runs; implied values are never used.
  const reference = new Date(Date.UTC(2000, 0, 1));
  const byIndex = new Map<number, Mention>();
  for (const parser of parsers) {
    for (const result of parser.parse(text, reference)) {
      const start = result.start;
      // A day number and a month name or full numeric date: not "in 6 seconds", "1/4 cup", "Friday".
      if (!/\d/.test(result.text) || RELATIVE.test(result.text) || !looksLikeCalendarDate(result.text)) continue;
      // "1/3/7/8/20" is a list of numbers, not 7 August 2020.
      if (isInNumberList(text, result.index, result.text.length)) continue;
      if (!start.isCertain('month') || !(start.isCertain('day') || start.isCertain('year'))) continue;
      byIndex.set(result.index, {
        index: result.index,
        year: start.isCertain('year') ? (start.get('year') ?? undefined) : undefined,
        month: start.get('month') ?? 1,
        day: start.isCertain('day') ? (start.get('day') ?? undefined) : undefined,
      });
    }
  }
  for (const mention of findCjkMentions(text)) if (!byIndex.has(mention.index)) byIndex.set(mention.index, mention);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** The year for a year-less mention: nearest explicit year before it, else after it, else the fallback text's first. */
function resolveYear(index: number, years: { index: number; year: number }[], fallbackYear: number | undefined): number | undefined {
  let before: number | undefined;
  let after: number | undefined;
  for (const y of years) {
    if (y.index < index) before = y.year;
    else if (after === undefined) after = y.year;
  }
  return before ?? after ?? fallbackYear;
}

function datedMentions(text: string, fallbackYear: number | undefined): PartialDate[] {
  const years = explicitYears(text);
  const dates: PartialDate[] = [];
  for (const mention of calendarMentions(text)) {
    const year = mention.year ?? resolveYear(mention.index, years, fallbackYear);
    if (year === undefined) continue;
    const date = makePartialDate(year, mention.month, mention.day);
    if (date) dates.push(date);
  }
  return dates;
}

/**
 * The dominant period: the month holding the most mentions when at least two different dates fall in it (or there
 * is only one mention); otherwise the year holding the most. One date written twice ("born on 7 October 1960" in the
 * text and a caption) cites one event, it does not cover a month. Ties go to the later period, since background
 * references ("founded in March 2009") tend to be older than the events a text reports.
 */
function dominantPeriod(dates: PartialDate[]): PartialDate | null {
  if (dates.length === 0) return null;
  const busiest = (precision: 'month' | 'year'): { period: PartialDate; count: number; distinct: Set<string> } | null => {
    const counts = new Map<string, { period: PartialDate; count: number; distinct: Set<string> }>();
    for (const date of dates) {
      if (precision === 'month' && date.precision === 'year') continue;
      const period = truncatePartialDate(date, precision);
      const entry = counts.get(period.value) ?? { period, count: 0, distinct: new Set<string>() };
      entry.count += 1;
      entry.distinct.add(date.value);
      counts.set(period.value, entry);
    }
    let best: { period: PartialDate; count: number; distinct: Set<string> } | null = null;
    for (const entry of counts.values()) {
      if (!best || entry.count > best.count || (entry.count === best.count && comparePartialDates(entry.period, best.period) > 0)) best = entry;
    }
    return best;
  };
  const month = busiest('month');
  if (month && (month.distinct.size >= 2 || dates.length === 1)) return month.period;
  return busiest('year')?.period ?? null;
}

/** The text with dateline lines replaced by spaces (offsets kept). */
function blankDatelines(text: string): string {
  return text
    .split('\n')
    .map((line) => (datelineLineMatch(line) ? ' '.repeat(line.length) : line))
    .join('\n');
}

export function findContentDates(mainText: string, commentsText: string): ContentDates {
  const article = blankDatelines(mainText.slice(0, MAX_PARSED_CHARS));
  const comments = blankDatelines(commentsText.slice(0, MAX_PARSED_CHARS));
  const firstCommentYear = explicitYears(comments)[0]?.year;
  let dates = datedMentions(article, firstCommentYear);
  let from: ContentDates['from'] = 'article';
  if (dates.length === 0 && comments.trim()) {
    const firstArticleYear = explicitYears(article)[0]?.year;
    dates = datedMentions(comments, firstArticleYear);
    from = 'comments';
  }
  if (dates.length === 0) return { earliest: null, latest: null, dominant: null, mentions: 0, from: 'none' };
  const byStart = [...dates].sort(comparePartialDates);
  const byEnd = [...dates].sort((a, b) => partialDateEnd(a).getTime() - partialDateEnd(b).getTime());
  return { earliest: byStart[0] ?? null, latest: byEnd.at(-1) ?? null, dominant: dominantPeriod(dates), mentions: dates.length, from };
}
