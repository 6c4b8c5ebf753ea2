/** Properties of the fingerprint's parts: normalization, feature hash, SimHash, bands, sketch, empty input. */
import { describe, expect, it } from 'vitest';
import { bandKeys, compareFingerprints, FINGERPRINT_VERSION, fingerprintText, hammingDistance, normalizeText } from '../../functions/core/fingerprint.ts';
import { lowHalfOf } from '../../functions/core/hash64.ts';
import { normalizeWords } from '../../functions/core/normalize.ts';
import { balancedSimhashOf, bitShares, simhashOf } from '../../functions/core/simhash.ts';
import { compareSketches, decodeSketch, encodeSketch, SKETCH_SIZE, sketchOf } from '../../functions/core/sketch.ts';
import { seededRandom } from '../support/random.ts';

const random = seededRandom(42);
const randomHex64 = (): string =>
  Array.from({ length: 2 }, () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')).join('');

function flipBits(hex: string, count: number): string {
  let value = BigInt(`0x${hex}`);
  const flipped = new Set<number>();
  while (flipped.size < count) flipped.add(Math.floor(random() * 64));
  for (const bit of flipped) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
}

const SAMPLE = 'The river rose overnight; by morning the old bridge was closed and the ferry ran every hour instead.';

describe('normalizeText', () => {
  it('applies NFKC, lower-cases, drops punctuation and apostrophes, collapses whitespace', () => {
    expect(normalizeText('  Ｆｕｌｌ-width\tTEXT — don’t   stop!\n\n“Quoted”, ﬁne. ')).toBe('full width text dont stop quoted fine');
    expect(normalizeText('Café №5 costs $4.50')).toBe('café no5 costs 4 50');
  });
  it('spaces out Han and kana so that unspaced scripts still have words', () => {
    expect(normalizeText('東京タワー')).toBe('東 京 タ ワ ー');
  });
  it('lower-cases per character (final sigma folded), and reads astral characters and lone surrogates', () => {
    expect(normalizeText('ΟΔΟΣ οδος İSTANBUL')).toBe('οδοσ οδοσ istanbul');
    expect(normalizeText('𝐁𝐨𝐥𝐝 😀 text 𐐀x')).toBe('bold text 𐐨x');
    expect(normalizeText('a\ud800b c\udc00')).toBe('a b c');
  });
});

describe('word hashes', () => {
  const hashesOf = (text: string): number[] => {
    const { wordHashes, wordCount } = normalizeWords(text);
    return [...wordHashes.subarray(0, wordCount)];
  };
  it('give one hash per normalized word, equal for equal words wherever and however they are written', () => {
    const [river, flows, riverAgain, rivet] = hashesOf('River flows; RIVER, rivet');
    expect(hashesOf('River flows; RIVER, rivet')).toHaveLength(4);
    expect(river).toBe(riverAgain);
    expect(river).toBe(hashesOf('  river')[0]);
    expect(new Set([river, flows, rivet]).size).toBe(3);
    expect(hashesOf('東京 tower')).toHaveLength(3);
  });
  it('expand to 64-bit features that set each bit about half the time', () => {
    const setCounts = new Array<number>(64).fill(0);
    const words = hashesOf(Array.from({ length: 4000 }, (_, i) => `w${i}`).join(' '));
    for (const high of words) {
      const low = lowHalfOf(high);
      for (let bit = 0; bit < 32; bit++) {
        setCounts[bit]! += (high >>> bit) & 1;
        setCounts[bit + 32]! += (low >>> bit) & 1;
      }
    }
    const shares = setCounts.map((count) => count / words.length);
    expect(Math.min(...shares)).toBeGreaterThan(0.45);
    expect(Math.max(...shares)).toBeLessThan(0.55);
  });
});

describe('simhashOf', () => {
  /** Textbook SimHash: one signed counter per bit. */
  const reference = (features: Uint32Array): string => {
    const counters = new Array<number>(64).fill(0);
    for (const high of features) {
      const low = lowHalfOf(high);
      for (let bit = 0; bit < 32; bit++) {
        counters[bit]! += (high >>> bit) & 1 ? 1 : -1;
        counters[bit + 32]! += (low >>> bit) & 1 ? 1 : -1;
      }
    }
    let high = 0;
    let low = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (counters[bit]! > 0) high |= 1 << bit;
      if (counters[bit + 32]! > 0) low |= 1 << bit;
    }
    return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
  };
  it('equals the textbook per-bit counters for any number of features, repeated ones and ties included', () => {
    for (const count of [0, 1, 2, 14, 15, 16, 31, 100, 1001]) {
      const features = Uint32Array.from({ length: count }, () => Math.floor(random() * 2 ** 32));
      expect(simhashOf(features, count)).toBe(reference(features));
      const repeated = Uint32Array.from({ length: count }, (_, i) => features[i % 3]!);
      expect(simhashOf(repeated, count)).toBe(reference(repeated));
    }
    expect(simhashOf(Uint32Array.from([0xffffffff, 0]), 2)).toBe(reference(Uint32Array.from([0xffffffff, 0])));
  });
});

describe('balancedSimhashOf', () => {
  const features = Uint32Array.from({ length: 301 }, () => Math.floor(random() * 2 ** 32));
  const shares = bitShares(features, features.length);
  const bitAt = (simhash: string, position: number): number => (BigInt(`0x${simhash}`) >> BigInt(63 - position)) & 1n ? 1 : 0;

  it('is the textbook SimHash at thresholds of one half, and sets each bit where its share passes its own threshold', () => {
    expect(balancedSimhashOf(features, features.length, new Array(64).fill(0.5), 0).simhash).toBe(simhashOf(features, features.length));
    // Thresholds just under / at each bit's share: every bit set / none set.
    expect(balancedSimhashOf(features, features.length, Array.from(shares, (share) => share - 1e-9), 0).simhash).toBe('ffffffffffffffff');
    expect(balancedSimhashOf(features, features.length, shares, 0).simhash).toBe('0000000000000000');
    const thresholds = Array.from({ length: 64 }, (_, position) => (position % 2 === 0 ? 0.3 : 0.7));
    const { simhash } = balancedSimhashOf(features, features.length, thresholds, 0);
    for (let position = 0; position < 64; position++) expect(bitAt(simhash, position), `bit ${position}`).toBe(shares[position]! > thresholds[position]! ? 1 : 0);
  });

  it('names the bits nearest their threshold, nearest first, and none without features', () => {
    const { weakBits } = balancedSimhashOf(features, features.length, new Array(64).fill(0.5), 8);
    const margin = (position: number) => Math.round(Math.abs(shares[position]! - 0.5) * features.length * 1e6); // in features: ties are exact
    const byNearness = Array.from({ length: 64 }, (_, position) => position).sort((a, b) => margin(a) - margin(b) || a - b);
    expect(weakBits).toEqual(byNearness.slice(0, 8));
    expect(balancedSimhashOf(features, 0, new Array(64).fill(0.5), 8)).toEqual({ simhash: '0000000000000000', weakBits: [] });
    expect(fingerprintText('').weakBits).toEqual([]);
    expect(fingerprintText('some words of a page, enough of them to set bits').weakBits).toHaveLength(16);
  });
});

describe('fingerprintText', () => {
  it('gives the same fingerprint for the same input, and formats every part', () => {
    const first = fingerprintText(SAMPLE);
    expect(fingerprintText(SAMPLE)).toEqual(first);
    expect(first.simhash).toMatch(/^[0-9a-f]{16}$/);
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.sketch.length).toBeLessThanOrEqual(400);
  });
  it('hashes the normalized text: formatting-only differences are exact duplicates', () => {
    expect(fingerprintText(SAMPLE.toUpperCase().replace(/ /g, '  ')).contentHash).toBe(fingerprintText(SAMPLE).contentHash);
    expect(fingerprintText(`${SAMPLE} Extra.`).contentHash).not.toBe(fingerprintText(SAMPLE).contentHash);
  });
  it('defines empty input: zero SimHash, SHA-256 of "", and a sketch similar to nothing', () => {
    const empty = fingerprintText(' \n\t—!? ');
    expect(empty.simhash).toBe('0000000000000000');
    expect(empty.contentHash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(compareFingerprints(empty, fingerprintText('')).nearDuplicate).toBe(false);
    expect(compareFingerprints(empty, fingerprintText(SAMPLE)).similarity).toBe(0);
  });
  it('records its fingerprint version, and leaves the common words out of the SimHash (not out of the sketch or hash)', () => {
    expect(fingerprintText(SAMPLE).fingerprintVersion).toBe(FINGERPRINT_VERSION);
    const padded = `The ${SAMPLE} And the, of the, to the; it is and was in the.`;
    expect(fingerprintText(padded).simhash).toBe(fingerprintText(SAMPLE).simhash);
    expect(fingerprintText(padded).contentHash).not.toBe(fingerprintText(SAMPLE).contentHash);
    expect(fingerprintText(`${SAMPLE} Ferry.`).simhash).not.toBe(fingerprintText(SAMPLE).simhash);
  });
  it('handles texts shorter than a shingle', () => {
    const short = fingerprintText('Closed.');
    expect(compareFingerprints(short, fingerprintText('closed')).similarity).toBe(1);
    expect(compareFingerprints(short, fingerprintText('open')).similarity).toBe(0);
  });
  it('keeps a one-word edit close and an unrelated text far', () => {
    const edited = fingerprintText(SAMPLE.replace('every hour', 'every half hour'));
    const unrelated = fingerprintText('Quarterly revenue grew on strong demand for cloud storage, the company said in a statement on Tuesday.');
    expect(hammingDistance(fingerprintText(SAMPLE).simhash, edited.simhash)).toBeLessThan(hammingDistance(fingerprintText(SAMPLE).simhash, unrelated.simhash));
    expect(compareFingerprints(fingerprintText(SAMPLE), unrelated).nearDuplicate).toBe(false);
  });
});

describe('hammingDistance', () => {
  it('is symmetric, 0 to itself, within 0..64, and counts flipped bits', () => {
    for (let i = 0; i < 500; i++) {
      const a = randomHex64();
      const b = randomHex64();
      const distance = hammingDistance(a, b);
      expect(distance).toBe(hammingDistance(b, a));
      expect(distance).toBeGreaterThanOrEqual(0);
      expect(distance).toBeLessThanOrEqual(64);
      expect(hammingDistance(a, a)).toBe(0);
      const flips = Math.floor(random() * 65);
      expect(hammingDistance(a, flipBits(a, flips))).toBe(flips);
    }
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
  });
  it('rejects malformed fingerprints with a clear message', () => {
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(/16 lowercase hex digits/);
  });
});

describe('bandKeys', () => {
  it('gives the four 16-bit bands in order', () => {
    expect(bandKeys('0123456789abcdef')).toEqual(['0:0123', '1:4567', '2:89ab', '3:cdef']);
  });
  it('pigeonhole: fingerprints within 3 bits always share a band', () => {
    for (let i = 0; i < 2000; i++) {
      const a = randomHex64();
      const b = flipBits(a, i % 4);
      const bands = new Set(bandKeys(a));
      expect(bandKeys(b).some((band) => bands.has(band))).toBe(true);
    }
  });
});

describe('sketch', () => {
  it('round-trips through its base64 encoding and keeps the k smallest distinct hashes', () => {
    const hashes = Uint32Array.from({ length: 500 }, (_, i) => (i * 2654435761) >>> 0);
    const sketch = sketchOf(Uint32Array.from([...hashes, ...hashes]));
    expect(sketch.distinct).toBe(500);
    expect([...sketch.minima]).toEqual([...hashes].sort((a, b) => a - b).slice(0, SKETCH_SIZE));
    expect(decodeSketch(encodeSketch(sketch))).toEqual(sketch);
    const drawn = Uint32Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 0 : Math.floor(random() * 2 ** 32) % 3000) * 1432001);
    const distinct = [...new Set(drawn.subarray(0, 4000))].sort((a, b) => a - b);
    const partial = sketchOf(drawn, 4000); // only the first `count` hashes
    expect(partial.distinct).toBe(distinct.length);
    expect([...partial.minima]).toEqual(distinct.slice(0, SKETCH_SIZE));
    expect(() => decodeSketch('bm90IGEgc2tldGNo')).toThrow(/shingle sketch/);
  });
  it('estimates Jaccard and containment of known overlaps within sampling error', () => {
    const set = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => Math.imul(from + i, 0x9e3779b1) >>> 0);
    const half = compareSketches(sketchOf(set(0, 2000)), sketchOf(set(1000, 3000))); // J = 1/3, containment 1/2
    expect(half.jaccard).toBeGreaterThan(0.2);
    expect(half.jaccard).toBeLessThan(0.47);
    const contained = compareSketches(sketchOf(set(0, 900)), sketchOf(set(0, 1000))); // J = 0.9, containment 1
    expect(contained.containment).toBeGreaterThan(0.9);
    const small = compareSketches(sketchOf(set(0, 40)), sketchOf(set(20, 60))); // exact below k: J = 20/60
    expect(small.jaccard).toBeCloseTo(1 / 3, 10);
  });
  it('stays within 512 bytes, and compares a sketch kept at k = 64 (fingerprint version 2) with one at 96 at k = 64', () => {
    const set = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => Math.imul(from + i, 0x9e3779b1) >>> 0);
    const full = sketchOf(set(0, 5000));
    expect(full.minima.length).toBe(SKETCH_SIZE);
    expect(Buffer.from(encodeSketch(full), 'base64').length).toBeLessThanOrEqual(512);
    const other = sketchOf(set(2500, 7500)); // J = 1/3
    const kept64 = { distinct: other.distinct, minima: other.minima.slice(0, 64) };
    // At k = 64 exactly: the bottom 64 of the union, read from both lists. Walking on to 96 would count the 64-list's
    // missing values as absent from it, and pull the estimate towards 0.
    const union = [...new Set([...full.minima, ...kept64.minima])].sort((a, b) => a - b).slice(0, 64);
    const inBoth = union.filter((value) => full.minima.includes(value) && kept64.minima.includes(value)).length;
    expect(compareSketches(full, kept64).jaccard).toBe(inBoth / 64);
    expect(compareSketches(kept64, full)).toEqual(compareSketches(full, kept64));
  });
});
