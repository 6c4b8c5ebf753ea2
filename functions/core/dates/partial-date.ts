import type { DatePrecision, PartialDate } from '../types.ts';

/**
 * Calendar arithmetic on partial dates. A partial date is a period: `2021-06` covers June 1..30,
 * `2021` covers the whole year. All computations are in UTC days; times of day are never kept.
 */

const DAY_MS = 86_400_000;
/** Before this, a "publication date" on the web is almost certainly a misread (the web barely existed). */
export const EARLIEST_PLAUSIBLE_YEAR = 1995;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A partial date from its parts, or null when the parts are not a real calendar date. Never invents a day. */
export function makePartialDate(year: number, month?: number, day?: number): PartialDate | null {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return null;
  if (month === undefined) return { value: pad(year, 4), precision: 'year' };
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (day === undefined) return { value: `${pad(year, 4)}-${pad(month)}`, precision: 'month' };
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return { value: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, precision: 'day' };
}

function parts(d: PartialDate): [number, number | undefined, number | undefined] {
  const [year, month, day] = d.value.split('-').map(Number);
  return [year ?? NaN, month, day];
}

/** First instant (UTC midnight) of the period. */
export function partialDateStart(d: PartialDate): Date {
  const [year, month, day] = parts(d);
  return new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1));
}

/** Last day of the period, at UTC midnight (inclusive end). */
export function partialDateEnd(d: PartialDate): Date {
  const [year, month, day] = parts(d);
  if (d.precision === 'day') return new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1));
  if (d.precision === 'month') return new Date(Date.UTC(year, (month ?? 1) - 1, daysInMonth(year, month ?? 1)));
  return new Date(Date.UTC(year, 11, 31));
}

/** Orders partial dates by the start of their periods; a coarser period sorts first when starts are equal. */
export function comparePartialDates(a: PartialDate, b: PartialDate): number {
  const byStart = partialDateStart(a).getTime() - partialDateStart(b).getTime();
  if (byStart !== 0) return byStart;
  return precisionRank(a.precision) - precisionRank(b.precision);
}

function precisionRank(p: DatePrecision): number {
  return p === 'year' ? 0 : p === 'month' ? 1 : 2;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

/** True when the date could be a web page's date: from 1995 up to one day after `now`. */
export function isPlausibleDate(d: PartialDate, now: Date = new Date()): boolean {
  const start = partialDateStart(d);
  if (start.getUTCFullYear() < EARLIEST_PLAUSIBLE_YEAR) return false;
  return start.getTime() <= now.getTime() + DAY_MS;
}

/** The same date reduced to a coarser precision (never finer than it is). */
export function truncatePartialDate(d: PartialDate, precision: DatePrecision): PartialDate {
  if (precisionRank(precision) >= precisionRank(d.precision)) return d;
  const [year, month] = parts(d);
  return precision === 'year' ? { value: pad(year, 4), precision } : { value: `${pad(year, 4)}-${pad(month ?? 1)}`, precision };
}
