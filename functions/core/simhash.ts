/**
 * Charikar's SimHash over 64 bits, as pure arithmetic over feature hashes (tokenizing and hashing live elsewhere):
 * each feature (weight 1 per occurrence) adds 1 to the counters of its 1 bits; in the textbook fingerprint a bit is 1
 * where more than half of the features have it (the +1 / -1 counters, ending positive). The balanced variant moves
 * that half to a per-bit threshold (a share measured on reference pages), so that each bit is set in about half of
 * real pages, and names the bits nearest their threshold (the ones an edit flips first).
 */
import { lowHalfOf, toHex64 } from './hash64.ts';

/** Features counted in 4-bit lanes before the lanes overflow and must be flushed into the 64 full counters. */
const LANE_CAPACITY = 15;
const EVERY_FOURTH_BIT = 0x11111111;
const HALF = new Float64Array(64).fill(0.5);

/**
 * Per-bit counts of features[0, count): totals[i] features have bit i (i = 0..31 the bits of the high half, least
 * significant first; 32..63 those of the low half), each feature a 32-bit hash expanded to 64 bits (high = the hash,
 * low = lowHalfOf(hash)). Bit counting is SWAR: four accumulators per half hold eight 4-bit lane counters each (bits
 * j, j+4, ..., j+28), so one feature costs 8 shift-mask-adds instead of 64 counter updates; every 15 features the
 * lanes are flushed into per-bit totals.
 */
function featureTotals(features: Uint32Array, count: number): Float64Array {
  const totals = new Float64Array(64);
  let h0 = 0, h1 = 0, h2 = 0, h3 = 0, l0 = 0, l1 = 0, l2 = 0, l3 = 0; // prettier-ignore
  let pending = 0;
  for (let i = 0; i < count; i++) {
    const high = features[i]!;
    const low = lowHalfOf(high);
    h0 = (h0 + (high & EVERY_FOURTH_BIT)) | 0;
    h1 = (h1 + ((high >>> 1) & EVERY_FOURTH_BIT)) | 0;
    h2 = (h2 + ((high >>> 2) & EVERY_FOURTH_BIT)) | 0;
    h3 = (h3 + ((high >>> 3) & EVERY_FOURTH_BIT)) | 0;
    l0 = (l0 + (low & EVERY_FOURTH_BIT)) | 0;
    l1 = (l1 + ((low >>> 1) & EVERY_FOURTH_BIT)) | 0;
    l2 = (l2 + ((low >>> 2) & EVERY_FOURTH_BIT)) | 0;
    l3 = (l3 + ((low >>> 3) & EVERY_FOURTH_BIT)) | 0;
    if (++pending === LANE_CAPACITY || i === count - 1) {
      flushLanes(totals, 0, h0, h1, h2, h3);
      flushLanes(totals, 32, l0, l1, l2, l3);
      h0 = h1 = h2 = h3 = l0 = l1 = l2 = l3 = pending = 0;
    }
  }
  return totals;
}

/** Fingerprint bit position (0 = most significant of the 16 hex digits, as index layouts count) of totals index i. */
const positionOf = (i: number): number => (i < 32 ? 31 - i : 95 - i);

/**
 * Share of features[0, count) with each bit set, by fingerprint position (0 = most significant); all 0 without
 * features. What per-bit thresholds are measured from (scripts/build-common-words.ts).
 */
export function bitShares(features: Uint32Array, count: number): Float64Array {
  const totals = featureTotals(features, count);
  const shares = new Float64Array(64);
  if (count > 0) for (let i = 0; i < 64; i++) shares[positionOf(i)] = totals[i]! / count;
  return shares;
}

/** The textbook SimHash of features[0, count). No features, or a bit set in exactly half of them, give 0 bits. */
export function simhashOf(features: Uint32Array, count: number): string {
  return balancedSimhashOf(features, count, HALF, 0).simhash;
}

export interface BalancedSimhash {
  /** 16 lowercase hex digits. */
  simhash: string;
  /** The `weakBitCount` positions (0 = most significant) whose share is nearest its threshold, nearest first. */
  weakBits: number[];
}

/**
 * The SimHash of features[0, count) with bit p set where more than thresholds[p] of the features have it (p = 0 the
 * most significant; 0.5 everywhere is the textbook SimHash), and the weakBitCount bits nearest their threshold (ties:
 * lower position first). No features: 0 bits and no weak bits.
 */
export function balancedSimhashOf(features: Uint32Array, count: number, thresholds: ArrayLike<number>, weakBitCount: number): BalancedSimhash {
  const totals = featureTotals(features, count);
  let high = 0;
  let low = 0;
  const weakBits: number[] = [];
  const weakMargins: number[] = [];
  for (let i = 0; i < 64; i++) {
    const position = positionOf(i);
    const margin = totals[i]! - thresholds[position]! * count;
    if (margin > 0) {
      if (i < 32) high |= 1 << i;
      else low |= 1 << (i - 32);
    }
    if (count === 0 || weakBitCount === 0) continue;
    // Insertion into the short list of the nearest bits so far (weakBitCount is small).
    const distance = Math.abs(margin);
    let at = weakBits.length;
    while (at > 0 && (weakMargins[at - 1]! > distance || (weakMargins[at - 1] === distance && weakBits[at - 1]! > position))) at--;
    if (at >= weakBitCount) continue;
    weakBits.splice(at, 0, position);
    weakMargins.splice(at, 0, distance);
    if (weakBits.length > weakBitCount) {
      weakBits.pop();
      weakMargins.pop();
    }
  }
  return { simhash: toHex64(high, low), weakBits };
}

/** Adds the eight 4-bit lane counters of each accumulator (accumulator j counts bits j, j+4, ..., j+28). */
function flushLanes(totals: Float64Array, offset: number, a0: number, a1: number, a2: number, a3: number): void {
  for (let lane = 0; lane < 32; lane += 4) {
    totals[offset + lane]! += (a0 >>> lane) & 15;
    totals[offset + lane + 1]! += (a1 >>> lane) & 15;
    totals[offset + lane + 2]! += (a2 >>> lane) & 15;
    totals[offset + lane + 3]! += (a3 >>> lane) & 15;
  }
}

/** Bits set in a 32-bit integer. */
export function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

const HEX64 = /^[0-9a-f]{16}$/;

/** Number of differing bits between two 16-hex-digit fingerprints (0..64). */
export function hammingDistanceHex(a: string, b: string): number {
  if (!HEX64.test(a) || !HEX64.test(b)) throw new TypeError(`SimHash fingerprints must be 16 lowercase hex digits, got "${a}" and "${b}"`);
  const highDiff = parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16);
  const lowDiff = parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16);
  return popcount32(highDiff) + popcount32(lowDiff);
}
