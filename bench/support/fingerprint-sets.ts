/**
 * Fingerprint populations for the index-scaling benchmark. Real SimHashes are not uniform (shared vocabulary and
 * templates bias some bits), so besides uniform random ones the bench draws "corpus-biased" ones: each bit set with
 * the frequency it has among the real corpus fingerprints. The real fingerprints themselves are stored too and
 * serve as the lookups.
 */
import { fingerprintText } from '../../functions/core/fingerprint.ts';
import { splitSimhash } from '../../functions/store/index-layout.ts';
import { seededRandom } from '../../test/support/random.ts';
import { corpusTexts } from './corpus-pages.ts';

export interface FingerprintSet {
  high: Uint32Array;
  low: Uint32Array;
  count: number;
}

export interface RealFingerprints extends FingerprintSet {
  simhashes: string[];
  sketches: string[];
  /** Share of fingerprints with each bit set, bit 0 = most significant. */
  bitFrequency: Float64Array;
  /** Each fingerprint's weak bits (what a lookup of a probing layout probes). */
  weakBits: (readonly number[])[];
}

export function realFingerprints(): RealFingerprints {
  const texts = corpusTexts();
  const fingerprints = texts.map((text) => fingerprintText(text)).filter((fingerprint) => fingerprint.simhash !== '0000000000000000');
  const high = new Uint32Array(fingerprints.length);
  const low = new Uint32Array(fingerprints.length);
  const bitFrequency = new Float64Array(64);
  fingerprints.forEach((fingerprint, index) => {
    const halves = splitSimhash(fingerprint.simhash);
    high[index] = halves.high;
    low[index] = halves.low;
    for (let bit = 0; bit < 64; bit++) {
      const word = bit < 32 ? halves.high : halves.low;
      bitFrequency[bit]! += ((word >>> (31 - (bit % 32))) & 1) / fingerprints.length;
    }
  });
  return { high, low, count: fingerprints.length, simhashes: fingerprints.map((f) => f.simhash), sketches: fingerprints.map((f) => f.sketch), bitFrequency, weakBits: fingerprints.map((f) => f.weakBits ?? []) };
}

export type Distribution = 'uniform' | 'corpus-biased';

/** `count` fingerprints: the real ones first, then synthetic ones drawn from `distribution`. */
export function population(real: RealFingerprints, count: number, distribution: Distribution, seed = 1): FingerprintSet {
  const high = new Uint32Array(count);
  const low = new Uint32Array(count);
  const realCount = Math.min(real.count, count);
  high.set(real.high.subarray(0, realCount));
  low.set(real.low.subarray(0, realCount));
  const next = seededRandom(seed);
  for (let index = realCount; index < count; index++) {
    if (distribution === 'uniform') {
      high[index] = (next() * 2 ** 32) >>> 0;
      low[index] = (next() * 2 ** 32) >>> 0;
      continue;
    }
    let h = 0;
    let l = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (next() < real.bitFrequency[bit]!) h |= 1 << (31 - bit);
      if (next() < real.bitFrequency[bit + 32]!) l |= 1 << (31 - bit);
    }
    high[index] = h >>> 0;
    low[index] = l >>> 0;
  }
  return { high, low, count };
}

const hex32 = (value: number): string => value.toString(16).padStart(8, '0');
export const simhashAt = (set: FingerprintSet, index: number): string => hex32(set.high[index]!) + hex32(set.low[index]!);
