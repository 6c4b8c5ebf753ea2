import type { PartialDate } from '../types.ts';
import { makePartialDate } from './partial-date.ts';

/**
 * Reading explicit calendar dates out of short strings (attribute values, bylines, datelines) in the
 * languages of the evaluation pages. Only explicit dates: a day is never invented, a 2-digit year is 20yy.
 */

/** Month names and common abbreviations (en, de, fr, es, it, nl, pt, pl genitive, ro, sv, ru, uk, ar), lower case. */
const MONTH_NAMES: Record<string, number> = {};
const MONTH_LISTS: string[][] = [
  ['january', 'jan', 'januar', 'jänner', 'janvier', 'enero', 'gennaio', 'januari', 'janeiro', 'stycznia', 'janv', 'ianuarie', 'января', 'январь', 'січня', 'يناير', 'كانون الثاني'],
  ['february', 'feb', 'februar', 'février', 'fevrier', 'févr', 'febrero', 'febbraio', 'februari', 'fevereiro', 'lutego', 'februarie', 'февраля', 'февраль', 'лютого', 'فبراير', 'شباط'],
  ['march', 'mar', 'märz', 'maerz', 'mär', 'mars', 'marzo', 'maart', 'março', 'marca', 'martie', 'марта', 'март', 'березня', 'مارس', 'آذار'],
  ['april', 'apr', 'avril', 'abril', 'aprile', 'kwietnia', 'aprilie', 'апреля', 'апрель', 'квітня', 'أبريل', 'إبريل', 'ابريل', 'نيسان'],
  ['may', 'mai', 'mayo', 'maggio', 'mei', 'maio', 'maja', 'maj', 'мая', 'май', 'травня', 'مايو', 'أيار'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'junho', 'czerwca', 'iunie', 'июня', 'июнь', 'червня', 'يونيو', 'يونيه', 'حزيران'],
  ['july', 'jul', 'juli', 'juillet', 'julio', 'luglio', 'julho', 'lipca', 'juil', 'iulie', 'июля', 'июль', 'липня', 'يوليو', 'يوليه', 'تموز'],
  ['august', 'aug', 'août', 'aout', 'agosto', 'augustus', 'sierpnia', 'augusti', 'августа', 'август', 'серпня', 'أغسطس', 'آب'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'setembro', 'września', 'septembrie', 'сентября', 'сентябрь', 'вересня', 'سبتمبر', 'أيلول'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'outubro', 'października', 'octombrie', 'октября', 'октябрь', 'жовтня', 'أكتوبر', 'اكتوبر', 'تشرين الأول'],
  ['november', 'nov', 'novembre', 'noviembre', 'novembro', 'listopada', 'noiembrie', 'ноября', 'ноябрь', 'листопада', 'نوفمبر', 'تشرين الثاني'],
  ['december', 'dec', 'dezember', 'dez', 'décembre', 'decembre', 'diciembre', 'dicembre', 'dezembro', 'grudnia', 'déc', 'decembrie', 'декабря', 'декабрь', 'грудня', 'ديسمبر', 'كانون الأول'],
];
MONTH_LISTS.forEach((names, index) => names.forEach((name) => (MONTH_NAMES[name] = index + 1)));

/** Every month name, longest first (at one position "june" is tried before "jun"). */
const MONTH_NAME_ALTERNATIVES = Object.keys(MONTH_NAMES)
  .sort((a, b) => b.length - a.length)
  .join('|');
const MONTH = `(${MONTH_NAME_ALTERNATIVES})`;
/** The same month in a second calendar's name, after a slash (Arabic pages: "24 نيسان / أبريل 2020"); not captured. */
const MONTH_ALTERNATE = `(?:${MONTH_NAME_ALTERNATIVES})`;
/** Word boundaries that also work for accented letters. */
const L = '(?<![\\p{L}\\d])';
const R = '(?![\\p{L}\\d])';
const YEAR4 = '((?:19|20)\\d{2})';
const DAY = '(\\d{1,2})(?:st|nd|rd|th|er|\\.|º)?';
/**
 * Around an all-digit date: not inside a longer run of numbers joined by separators ("1/3/7/8/20" is a list of
 * bands, issue numbers or scores, not 7 August 2020; "2019/4/4/5" is no date either).
 */
const NUMERIC_L = '(?<![\\p{L}\\d]|\\d[./-])';
const NUMERIC_R = '(?![\\p{L}\\d]|[./-]\\d)';
/** Chinese, Japanese and Korean dates: 2019年4月4日, 2019年4月4号, 2019년 4월 4일 (a day is optional: 2019年4月). */
const CJK_YEAR = '((?:19|20)\\d{2})\\s*[年년]\\s*';
const CJK_MONTH_DAY = '(\\d{1,2})\\s*[月월](?:\\s*(\\d{1,2})\\s*[日일号號])?';

/** True when the text names a month ("April", "Apr.", "März") or writes a full numeric date with a year. */
const EXPLICIT_CALENDAR = new RegExp(`${L}${MONTH}${R}|\\d{4}[./-]\\d{1,2}[./-]\\d{1,2}|\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d\\s*[年년月월]`, 'iu');
export function looksLikeCalendarDate(text: string): boolean {
  return EXPLICIT_CALENDAR.test(text);
}

/** True when the match at [index, index + length) of text is one item of a longer separated list of numbers. */
export function isInNumberList(text: string, index: number, length: number): boolean {
  return /\d[./-]$/.test(text.slice(Math.max(0, index - 2), index)) || /^[./-]\d/.test(text.slice(index + length, index + length + 2));
}

/**
 * Full-width digits (０-９, common in CJK pages) and Arabic-Indic / Persian digits (٠-٩, ۰-۹) as ASCII digits; one
 * UTF-16 unit each way, so offsets are kept.
 */
export function asciiDigits(text: string): string {
  return text.replace(/[０-９٠-٩۰-۹]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const zero = code >= 0xff10 ? 0xff10 : code >= 0x06f0 ? 0x06f0 : 0x0660;
    return String.fromCharCode(code - zero + 48);
  });
}

export interface CjkMention {
  index: number;
  year?: number;
  month: number;
  day?: number;
}

const CJK_MENTION = new RegExp(`(?:${CJK_YEAR})?${CJK_MONTH_DAY}`, 'gu');

/**
 * Chinese, Japanese and Korean calendar mentions, the year optional (4月4日 in an article about 2019): for the
 * content dates, which resolve a missing year from the text. A month without a year and without a day is skipped.
 */
export function findCjkMentions(text: string): CjkMention[] {
  const mentions: CjkMention[] = [];
  for (const m of asciiDigits(text).matchAll(CJK_MENTION)) {
    if (m[1] === undefined && m[3] === undefined) continue;
    if (m[1] === undefined && /\d/.test(text.charAt((m.index ?? 0) - 1))) continue;
    const mention: CjkMention = { index: m.index ?? 0, month: Number(m[2]) };
    if (m[1] !== undefined) mention.year = Number(m[1]);
    if (m[3] !== undefined) mention.day = Number(m[3]);
    mentions.push(mention);
  }
  return mentions;
}

export function monthFromName(name: string): number | undefined {
  return MONTH_NAMES[name.toLowerCase().replace(/\.$/, '')];
}

export interface DateMatch {
  date: PartialDate;
  /** Where the match starts in the searched string, and the matched text. */
  index: number;
  text: string;
}

export interface ParseOptions {
  /** Read ambiguous `04/05/2018` as month/day (US usage). Dots and dashes are always day-first. */
  monthFirst?: boolean;
}

type Builder = (m: RegExpExecArray, options: ParseOptions) => PartialDate | null;

function year2(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

/** Patterns, most specific first; at one position the first pattern that matches wins. */
const PATTERNS: [RegExp, Builder][] = [
  // 2019年4月4日, 2019年4月4号, 2019년 4월 4일, 2019年4月 (Chinese, Japanese, Korean)
  [new RegExp(`(?<!\\d)${CJK_YEAR}${CJK_MONTH_DAY}`, 'gu'), (m) => makePartialDate(Number(m[1]), Number(m[2]), m[3] === undefined ? undefined : Number(m[3]))],
  // 2018-04-05, 2018/04/05, 2018.04.05, 2019/4/4 09:00 (ISO 8601 and the like; a time may follow)
  [new RegExp(`${NUMERIC_L}${YEAR4}([-/.])(\\d{1,2})\\2(\\d{1,2})(?!\\d|[./-]\\d)`, 'gu'), (m) => makePartialDate(Number(m[1]), Number(m[3]), Number(m[4]))],
  // 18. 05. 2014 (German dates typed with spaces)
  [new RegExp(`${NUMERIC_L}(\\d{1,2})\\. (\\d{1,2})\\. ?${YEAR4}${NUMERIC_R}`, 'gu'), (m) => makePartialDate(Number(m[3]), Number(m[2]), Number(m[1]))],
  // 05.04.2018, 5/4/2018, 04-05-2018, 05.04.18
  [
    new RegExp(`${NUMERIC_L}(\\d{1,2})([./-])(\\d{1,2})\\2((?:19|20)\\d{2}|\\d{2})${NUMERIC_R}`, 'gu'),
    (m, o) => {
      const first = Number(m[1]);
      const second = Number(m[3]);
      const year = year2(m[4] ?? '');
      const monthFirst = first <= 12 && (second > 12 || (m[2] === '/' && o.monthFirst === true));
      return monthFirst ? makePartialDate(year, first, second) : makePartialDate(year, second, first);
    },
  ],
  // 5 April 2018, 5. April 2018, 5th of April, 2018, 5 de abril de 2018
  [
    new RegExp(`${L}${DAY}\\s*(?:of\\s+|de\\s+)?${MONTH}\\.?(?:\\s*/\\s*${MONTH_ALTERNATE})?,?\\s*(?:de\\s+|del\\s+)?${YEAR4}${R}`, 'giu'),
    (m) => makePartialDate(Number(m[3]), monthFromName(m[2] ?? ''), Number(m[1])),
  ],
  // April 5, 2018; Apr. 5th 2018
  [
    new RegExp(`${L}${MONTH}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+${YEAR4}${R}`, 'giu'),
    (m) => makePartialDate(Number(m[3]), monthFromName(m[1] ?? ''), Number(m[2])),
  ],
  // April 2018, April, 2018 (month precision)
  [new RegExp(`${L}${MONTH}\\.?,?\\s+${YEAR4}${R}`, 'giu'), (m) => makePartialDate(Number(m[2]), monthFromName(m[1] ?? ''))],
];

/** Every explicit date in the string, in order of position, overlapping matches removed. */
export function findDatesInText(text: string, options: ParseOptions = {}): DateMatch[] {
  const found: DateMatch[] = [];
  text = asciiDigits(text);
  for (const [pattern, build] of PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const date = build(m, options);
      if (date) found.push({ date, index: m.index, text: m[0] });
    }
  }
  found.sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  const kept: DateMatch[] = [];
  let coveredUntil = -1;
  for (const match of found) {
    if (match.index < coveredUntil) continue;
    kept.push(match);
    coveredUntil = match.index + match.text.length;
  }
  return kept;
}

/** The first explicit date in a short string, or null. */
export function findDateInText(text: string, options: ParseOptions = {}): DateMatch | null {
  return findDatesInText(text, options)[0] ?? null;
}

/** A timestamp stated in UTC (`2018-04-05T01:49:09Z`, `+00:00`, `+0000`): year, month, day and hour as written. */
const UTC_TIMESTAMP = /^((?:19|20)\d{2})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})((?::\d{1,2}(?:\.\d+)?)?)(?:Z|[+-]00:?00)$/;

export interface UtcTime {
  hour: number;
  minute: number;
  /** Exactly on the hour (minutes and seconds zero): a date-only value converted from a local midnight, maybe. */
  wholeHour: boolean;
}

/**
 * The time of day of a UTC timestamp, or null when the value is not one. Such a day may not be the publisher's
 * local day (01:49Z is the evening before in New York); see localDayOfUtcCandidate in claimed.ts.
 */
export function readUtcTime(raw: string): UtcTime | null {
  const value = raw.trim();
  const m = UTC_TIMESTAMP.exec(value);
  if (m) return { hour: Number(m[4]), minute: Number(m[5]), wholeHour: m[5] === '00' && !/:\d*[1-9]/.test(m[6] ?? '') };
  // Unix timestamps count in UTC too.
  if (!/^(\d{10}|\d{13})$/.test(value)) return null;
  const stamp = new Date(Number(value) * (value.length === 10 ? 1000 : 1));
  return { hour: stamp.getUTCHours(), minute: stamp.getUTCMinutes(), wholeHour: stamp.getUTCMinutes() === 0 && stamp.getUTCSeconds() === 0 };
}

/**
 * A machine-written date value (meta content, datetime attribute, JSON-LD): ISO 8601 and its partial forms,
 * compact 20180405, Unix timestamps, else any explicit date in the text. The day is taken as written, before any
 * time zone conversion (as htmldate does).
 */
export function parseDateValue(raw: string, options: ParseOptions = {}): PartialDate | null {
  const value = raw.trim();
  let m = /^((?:19|20)\d{2})-(\d{2})$/.exec(value);
  if (m) return makePartialDate(Number(m[1]), Number(m[2]));
  m = /^((?:19|20)\d{2})$/.exec(value);
  if (m) return makePartialDate(Number(m[1]));
  m = /^((?:19|20)\d{2})(\d{2})(\d{2})(?:\d{4,6})?$/.exec(value);
  if (m) return makePartialDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{10}|\d{13})$/.exec(value);
  if (m) {
    const stamp = new Date(Number(value) * (value.length === 10 ? 1000 : 1));
    return makePartialDate(stamp.getUTCFullYear(), stamp.getUTCMonth() + 1, stamp.getUTCDate());
  }
  return findDateInText(value, options)?.date ?? null;
}
