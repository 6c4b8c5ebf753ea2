/**
 * The date verdict a document carries in the store: kinds `content` (its own text, judged by the core when the page
 * is analyzed) and `earlier-copy` (its claim against the believed claim of its cluster's original).
 *
 * The `earlier-copy` verdict is a pure function of two things: the member's own dating (immutable for a recorded
 * content) and the root of the cluster its label names (whose dating is fixed once the root exists: it is the
 * original's). So it is written by the very conditional update that moves the label (clusters.ts setLabel), never
 * on its own: wherever labels converge, verdicts have converged with them, at no extra request. Only when an
 * original is deleted are members re-judged on their own, against the earliest live member (clusters.ts
 * rejudgeCluster, `verdictVersion` on the document).
 *
 * Stored on the document (sparse: absent = none):
 *   dateMismatch    true when any kind holds (false otherwise)
 *   mismatchKinds   ['content'], ['earlier-copy'] or both; absent when none
 *   earlierCopy     { original, originalClaimed, claimed, gapDays, evidence } while `earlier-copy` holds
 *   mismatchPk/Sk   the sparse `mismatches` index keys, present exactly while a kind holds
 *   dateGapDays / dateEvidence   the `content` kind's gap and evidence, as before
 */
import { citedDate, judgeEarlierCopy, mismatchKinds } from '../core/dates/verdict.ts';
import type { CoreConfig } from '../core/config.ts';
import type { CitedDate, ClaimedDateSource, DatePrecision, EarlierCopyVerdict, MismatchKind } from '../core/types.ts';
import { isMap, type ItemInput } from './items.ts';
import { mismatchSortKey } from './keys.ts';
import { INDEXES, KEY_PREFIXES } from './schema.ts';

/** What a page contributes to date verdicts: carried by member log items and cluster roots, so relabelling reads nothing more. */
export interface Dating {
  /** Its claimed date (evidence text left out), or null. */
  claimed: CitedDate | null;
  /** Its own text contradicts its claim (the `content` kind); then its claim is not believed. */
  contentMismatch: boolean;
  /** When the document was first seen: the mismatches index orders by it. */
  firstSeen: string;
}

/**
 * The attributes a document's dating is read from, in any of its forms (as read, as written, or the public
 * StoredDocument). Their values are still checked here: a claimedDate of another shape throws.
 */
export type DatingAttributes = Partial<Pick<ItemInput<'document'>, 'claimedDate' | 'firstSeen' | 'mismatchKinds' | 'dateMismatch'>>;

/** The `content` kind of a stored document: its kinds when written, else (written by the document Put) dateMismatch. */
function contentKindOf(item: Pick<DatingAttributes, 'mismatchKinds' | 'dateMismatch'>): boolean {
  return Array.isArray(item.mismatchKinds) ? item.mismatchKinds.includes('content') : item.dateMismatch === true;
}

/** Dating of a stored document item (or a StoredDocument). */
export function datingOfItem(item: DatingAttributes): Dating {
  const claimed = item.claimedDate;
  const firstSeen = typeof item.firstSeen === 'string' ? item.firstSeen : '';
  if (claimed === null || claimed === undefined) return { claimed: null, contentMismatch: contentKindOf(item), firstSeen };
  if (!isMap(claimed)) throw new TypeError(`not a claimed date: ${typeof claimed}`);
  const { value, precision, source } = claimed;
  return { claimed: citedDate(storedClaim(value, precision, source)), contentMismatch: contentKindOf(item), firstSeen };
}

// Every precision and source of the core's types (the compiler checks the lists are complete), to check stored claims.
const DATE_PRECISIONS: Record<DatePrecision, true> = { day: true, month: true, year: true };
const CLAIM_SOURCES: Record<ClaimedDateSource, true> = { metadata: true, meta: true, 'json-ld': true, 'time-element': true, url: true, header: true };

function isOneOf<T extends string>(table: Record<T, true>, value: unknown): value is T {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(table, value);
}

/** A claim as stored (a document's claimedDate map, or the fields of a dating string), checked. */
function storedClaim(value: unknown, precision: unknown, source: unknown): CitedDate {
  if (typeof value !== 'string' || !isOneOf(DATE_PRECISIONS, precision) || !isOneOf(CLAIM_SOURCES, source)) {
    throw new TypeError(`not a claimed date: ${JSON.stringify({ value, precision, source })}`);
  }
  return { value, precision, source };
}

/**
 * Dating as member log items, roots and verdict references store it (`dating`): one string
 * `<value>/<precision>/<source>|<0 or 1: content kind>|<firstSeen>` (`-` for no claim). A map would spell its
 * attribute names in every item: a root record with it would cross 1 KB (2 WRU instead of 1), measured by the bench.
 */
export function encodeDating(dating: Dating): string {
  const claim = dating.claimed ? `${dating.claimed.value}/${dating.claimed.precision}/${dating.claimed.source}` : '-';
  return `${claim}|${dating.contentMismatch ? 1 : 0}|${dating.firstSeen}`;
}

/** The dating stored in a record (one written before verdicts existed has none: no claim). */
export function datingOfRecord(item: { dating?: unknown }): Dating {
  if (typeof item.dating !== 'string') return { claimed: null, contentMismatch: false, firstSeen: '' };
  const [claim = '-', content, ...firstSeen] = item.dating.split('|');
  const [value, precision, source] = claim.split('/');
  const claimed = claim === '-' ? null : storedClaim(value, precision, source);
  return { claimed, contentMismatch: content === '1', firstSeen: firstSeen.join('|') };
}

/** The original's claim that its members are judged against: believed only when its own text does not contradict it. */
function originalClaim(original: { docId: string; dating: Dating }) {
  return { id: original.docId, claimed: original.dating.contentMismatch ? null : original.dating.claimed };
}

export interface MemberVerdict {
  kinds: MismatchKind[];
  earlierCopy: EarlierCopyVerdict | null;
}

/** The verdict of `member` in the cluster whose original is `original` (none of `earlier-copy` for the original itself). */
export function verdictInCluster(member: { docId: string; dating: Dating }, original: { docId: string; dating: Dating }, config: Pick<CoreConfig, 'mismatchGapDays'>): MemberVerdict {
  const earlierCopy = member.docId === original.docId ? null : judgeEarlierCopy(member.dating.claimed, originalClaim(original), config);
  return { kinds: mismatchKinds(member.dating.contentMismatch, earlierCopy !== null), earlierCopy };
}

type VerdictAttributeName = 'dateMismatch' | 'verdictVersion' | 'mismatchKinds' | (typeof INDEXES)['mismatches']['partitionKey' | 'sortKey'] | 'earlierCopy';

/** A document's verdict attributes (verdictAttributes): every one named, undefined for one the document must not have. */
export type VerdictAttributes = { [N in VerdictAttributeName]-?: ItemInput<'document'>[N] };

/**
 * The attributes that make a document's stored verdict the one of its cluster, judged against the reference of version
 * `referenceVersion` (0: the original itself; see clusters.ts rejudgeCluster for originals that are gone). Undefined:
 * an attribute the document must not have.
 */
export function verdictAttributes(member: { docId: string; dating: Dating }, verdict: MemberVerdict, referenceVersion: number): VerdictAttributes {
  const mismatched = verdict.kinds.length > 0;
  return {
    dateMismatch: mismatched,
    // Sparse: absent = judged against the original itself (version 0), the common case.
    verdictVersion: referenceVersion > 0 ? referenceVersion : undefined,
    mismatchKinds: mismatched ? verdict.kinds : undefined,
    [INDEXES.mismatches.partitionKey]: mismatched ? KEY_PREFIXES.mismatch : undefined,
    [INDEXES.mismatches.sortKey]: mismatched ? mismatchSortKey(member.dating.firstSeen, member.docId) : undefined,
    earlierCopy: verdict.earlierCopy ?? undefined,
  };
}
