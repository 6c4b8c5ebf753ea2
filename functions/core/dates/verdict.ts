import type { CoreConfig } from '../config.ts';
import type { CitedDate, ClaimedDate, ContentDates, DateVerdict, EarlierCopyVerdict, MismatchKind, PartialDate } from '../types.ts';
import { daysBetween, partialDateEnd, partialDateStart } from './partial-date.ts';

/**
 * How far before its earliest reported event a page may claim to be published without being flagged. Articles
 * announce coming events ("the election on November 3", a festival next spring), so a claim shortly before every
 * mention is normal; a claim half a year or more before everything the text reports is not.
 */
export const FUTURE_MENTION_TOLERANCE_DAYS = 180;

/** Fewest dated mentions for a text to "cover" a period rather than cite a date in passing. */
const MIN_MENTIONS_FOR_A_PERIOD = 2;

/**
 * Does the claimed date fit what the article reports? Partial dates are compared as periods (a month-precise
 * claim covers the whole month, so it never "lies after" an event in that same month).
 *
 * - After: the claimed period starts more than `mismatchGapDays` after the end of the LATEST mention. The latest
 *   mention, not the dominant period: a copy republished later contains no event after its original date, while
 *   a genuine article that mostly recounts history ("in April 1945 ...") still mentions its own time at least
 *   once, and must not be flagged. The gap is counted from that last event.
 * - Either way the text must cover a period, not merely mention a date: its dominant period is a month (two or
 *   more mentions fall in one month, see findContentDates), so one historic reference ("born on 9 October
 *   1966") or dates scattered over years never flag a page. Measured: without this rule 10% of the htmldate
 *   gold pages whose claimed date is right were flagged, with it under 5%.
 * - Before: the claimed period ends more than FUTURE_MENTION_TOLERANCE_DAYS before the EARLIEST mention (a page
 *   cannot report, as past, events that had not yet happened; the tolerance covers announcements).
 */
export function judgeDates(claimed: ClaimedDate | null, content: ContentDates, config: CoreConfig): DateVerdict {
  if (!claimed || !content.earliest || !content.latest || content.mentions === 0) {
    return { dateMismatch: false, dateGapDays: null, dateEvidence: null };
  }
  const coversAPeriod = content.dominant?.precision !== 'year' && content.mentions >= MIN_MENTIONS_FOR_A_PERIOD;
  const claimedStart = partialDateStart(claimed);
  const claimedEnd = partialDateEnd(claimed);
  const afterLatest = daysBetween(partialDateEnd(content.latest), claimedStart);
  const beforeEarliest = daysBetween(partialDateStart(content.earliest), claimedEnd);

  const claim = `claims ${claimed.value} (${claimed.source})`;
  const covers = describeContent(content);
  if (afterLatest > 0) {
    const mismatch = coversAPeriod && afterLatest > config.mismatchGapDays;
    return { dateMismatch: mismatch, dateGapDays: afterLatest, dateEvidence: `${claim} ${mismatch ? 'but' : 'and'} ${covers}: ${afterLatest} days later` };
  }
  if (beforeEarliest < 0) {
    const mismatch = coversAPeriod && -beforeEarliest > FUTURE_MENTION_TOLERANCE_DAYS;
    return { dateMismatch: mismatch, dateGapDays: beforeEarliest, dateEvidence: `${claim} ${mismatch ? 'but' : 'and'} ${covers}: ${-beforeEarliest} days earlier` };
  }
  return { dateMismatch: false, dateGapDays: 0, dateEvidence: `${claim} and ${covers}: within that span` };
}

function describeContent(content: ContentDates): string {
  const period = content.dominant?.value ?? '?';
  const span = (content.earliest as PartialDate).value === (content.latest as PartialDate).value ? content.earliest?.value : `${content.earliest?.value}..${content.latest?.value}`;
  const where = content.from === 'comments' ? 'the comments cover' : 'the article covers';
  return `${where} ${period} (${content.mentions} mention${content.mentions === 1 ? '' : 's'}, ${span})`;
}

/** What a cluster's original contributes to its members' `earlier-copy` verdicts. */
export interface OriginalClaim {
  /** How the evidence names the original (the store passes its docId: `<bucket>/<key>`). */
  id: string;
  /** The original's BELIEVED claimed date (present, and not contradicted by its own text), else null: no verdict. */
  claimed: CitedDate | null;
}

/** The claimed date as a verdict cites it (its evidence text left out, to keep stored items small). */
export function citedDate(claimed: CitedDate): CitedDate {
  return { value: claimed.value, precision: claimed.precision, source: claimed.source };
}

/**
 * Is this page a repost, under a later date, of its cluster's original? True when its claimed period starts more
 * than `mismatchGapDays` after the END of the original's believed claimed period (periods, as in judgeDates: a
 * copy claiming "June 2018" is never later than an original of "2018"). Whatever the page's own text says: most
 * reposts carry no dated event, and their cluster is what contradicts their claim. No verdict when either claim
 * is missing or the original's is not believed (then its rank came from its content, and the `content` kind
 * of the copies, judged on the same text, is the verdict that applies). The caller never passes a page as its
 * own original.
 */
export function judgeEarlierCopy(claimed: CitedDate | null, original: OriginalClaim, config: Pick<CoreConfig, 'mismatchGapDays'>): EarlierCopyVerdict | null {
  if (!claimed || !original.claimed) return null;
  const gapDays = daysBetween(partialDateEnd(original.claimed), partialDateStart(claimed));
  if (gapDays <= config.mismatchGapDays) return null;
  return {
    original: original.id,
    originalClaimed: citedDate(original.claimed),
    claimed: citedDate(claimed),
    gapDays,
    evidence: `claims ${claimed.value} (${claimed.source}), ${gapDays} days after the original of its cluster, ${original.id}, which claims ${original.claimed.value} (${original.claimed.source})`,
  };
}

/** The kinds that hold, in a fixed order (content first). */
export function mismatchKinds(content: boolean, earlierCopy: boolean): MismatchKind[] {
  return [...(content ? (['content'] as const) : []), ...(earlierCopy ? (['earlier-copy'] as const) : [])];
}
