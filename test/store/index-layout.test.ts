import { describe, expect, it } from 'vitest';
import { bandKeys } from '../../functions/core/fingerprint.ts';
import { seededRandom } from '../support/random.ts';
import { BAND_LAYOUT, INDEX_LAYOUTS, PERMUTED_10_LAYOUT, PERMUTED_16_LAYOUT, PROBED_4_LAYOUT, PROBED_4_TWICE_LAYOUT, permutedTableLayout, splitSimhash, type IndexLayout } from '../../functions/store/index-layout.ts';

/** Deterministic 32-bit generator (the tests' seeded mulberry32), so a failure reproduces. */
function randomSource(seed: number): () => number {
  const next = seededRandom(seed);
  return () => Math.floor(next() * 2 ** 32) >>> 0;
}

const hex32 = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');

function randomSimhash(next: () => number): string {
  return hex32(next()) + hex32(next());
}

/** `simhash` with the given bit positions (0 = most significant) flipped. */
function flip(simhash: string, bits: number[]): string {
  let { high, low } = splitSimhash(simhash);
  for (const bit of bits) {
    if (bit < 32) high ^= 1 << (31 - bit);
    else low ^= 1 << (63 - bit);
  }
  return hex32(high) + hex32(low);
}

function sharesPartition(layout: IndexLayout, a: string, b: string): boolean {
  const written = new Set(layout.writePartitions(a));
  return layout.queryPartitions(b).some((partition) => written.has(partition));
}

describe('index layouts', () => {
  it('the band layout names exactly the partitions of the core band keys (the store format does not change)', () => {
    const next = randomSource(7);
    for (let i = 0; i < 200; i++) {
      const simhash = randomSimhash(next);
      expect(BAND_LAYOUT.writePartitions(simhash)).toEqual(bandKeys(simhash).map((band) => band.replace(':', '#')));
    }
  });

  it("has Manku et al.'s table counts and prefix lengths for k = 3", () => {
    expect([BAND_LAYOUT.tableCount, BAND_LAYOUT.prefixBits]).toEqual([4, [16, 16, 16, 16]]);
    expect(PERMUTED_10_LAYOUT.tableCount).toBe(10);
    expect(new Set(PERMUTED_10_LAYOUT.prefixBits)).toEqual(new Set([25, 26]));
    expect(PERMUTED_16_LAYOUT.tableCount).toBe(16);
    expect(new Set(PERMUTED_16_LAYOUT.prefixBits)).toEqual(new Set([28]));
    expect(permutedTableLayout(3, [6]).tableCount).toBe(20);
  });

  it('every fingerprint within 3 bits shares a partition: all 43,745 flips of up to 3 bits of one fingerprint', () => {
    const base = randomSimhash(randomSource(11));
    const flips: number[][] = [[]];
    for (let a = 0; a < 64; a++) {
      flips.push([a]);
      for (let b = a + 1; b < 64; b++) {
        flips.push([a, b]);
        for (let c = b + 1; c < 64; c++) flips.push([a, b, c]);
      }
    }
    expect(flips.length).toBe(1 + 64 + 2016 + 41664);
    for (const layout of Object.values(INDEX_LAYOUTS)) {
      const missed = flips.filter((bits) => !sharesPartition(layout, base, flip(base, bits)));
      expect(missed, layout.name).toEqual([]);
    }
  });

  it('the guarantee is tight: 4 flips, one per block, share no partition', () => {
    const base = randomSimhash(randomSource(13));
    expect(sharesPartition(BAND_LAYOUT, base, flip(base, [0, 16, 32, 48]))).toBe(false);
    // Level-1 blocks of p16x28 are the bands too; one flip in each of the 4 blocks defeats every table.
    expect(sharesPartition(PERMUTED_16_LAYOUT, base, flip(base, [3, 20, 40, 60]))).toBe(false);
    // p10x25's blocks are 13,13,13,13,12 bits: 4 flips in 4 blocks leave one clean block, not the 2 a table needs.
    expect(sharesPartition(PERMUTED_10_LAYOUT, base, flip(base, [0, 13, 26, 39]))).toBe(false);
  });

  it('longer prefixes make unrelated fingerprints collide less: 2,000 random fingerprints', () => {
    const next = randomSource(17);
    const simhashes = Array.from({ length: 2000 }, () => randomSimhash(next));
    const collisions = (layout: IndexLayout): number => {
      const seen = new Map<string, number>();
      let shared = 0;
      for (const simhash of simhashes) {
        for (const partition of layout.writePartitions(simhash)) {
          const count = seen.get(partition) ?? 0;
          shared += count;
          seen.set(partition, count + 1);
        }
      }
      return shared;
    };
    const bandPairs = collisions(BAND_LAYOUT);
    // Expected 4 * C(2000,2) / 2^16 = 122 for bands; about 16 * 2e6 / 2^28 = 0.12 for p16x28.
    console.log(`random pairs sharing a partition among 2,000 fingerprints: bands ${bandPairs}, p10x25 ${collisions(PERMUTED_10_LAYOUT)}, p16x28 ${collisions(PERMUTED_16_LAYOUT)}`);
    expect(bandPairs).toBeGreaterThan(60);
    expect(bandPairs).toBeLessThan(200);
    expect(collisions(PERMUTED_16_LAYOUT)).toBeLessThan(5);
  });

  it('prefixOf agrees with the partition names (what the simulation uses is what the store writes)', () => {
    const next = randomSource(19);
    for (let i = 0; i < 100; i++) {
      const simhash = randomSimhash(next);
      const { high, low } = splitSimhash(simhash);
      for (const layout of Object.values(INDEX_LAYOUTS)) {
        const names = layout.writePartitions(simhash);
        names.forEach((name, table) => expect(Number.parseInt(name.split('#')[1]!, 16)).toBe(layout.prefixOf(table, high, low)));
      }
    }
  });

  it('probes one weak bit per table, the first listed inside it, and only in a layout that probes', () => {
    const base = randomSimhash(randomSource(23));
    // PROBED_4_LAYOUT's bands are interleaved: bit i is in band i mod 4. 9 and 13 are both in band 1: 9 comes first.
    const lookup = PROBED_4_LAYOUT.lookupPartitions(base, [9, 13, 2, 60]);
    expect(lookup.slice(0, 4)).toEqual(PROBED_4_LAYOUT.writePartitions(base));
    // In table order: band 0 probes 60, band 1 probes 9, band 2 probes 2, band 3 has no weak bit listed.
    expect(lookup.slice(4)).toEqual([[60, 0], [9, 1], [2, 2]].map(([bit, band]) => PROBED_4_LAYOUT.writePartitions(flip(base, [bit!]))[band!]));
    expect(sharesPartition(PROBED_4_LAYOUT, base, flip(base, [0, 1, 2, 3]))).toBe(false);
    const written = new Set(PROBED_4_LAYOUT.writePartitions(base));
    expect(PROBED_4_LAYOUT.lookupPartitions(flip(base, [0, 1, 2, 3]), [0, 5, 6, 7]).some((partition) => written.has(partition))).toBe(true);
    expect(PROBED_4_LAYOUT.lookupPartitions(base)).toEqual(PROBED_4_LAYOUT.writePartitions(base));
    for (const layout of [BAND_LAYOUT, PERMUTED_10_LAYOUT]) expect(layout.lookupPartitions(base, [0, 1, 2, 3])).toEqual(layout.writePartitions(base));
    // Two probes per band: the same partitions written (a table can switch), band 1 now probes 9 and 13.
    expect(PROBED_4_TWICE_LAYOUT.writePartitions(base)).toEqual(PROBED_4_LAYOUT.writePartitions(base));
    expect(PROBED_4_TWICE_LAYOUT.lookupPartitions(base, [9, 13, 2, 60, 17])).toEqual([
      ...lookup.slice(0, 6), // the 4 bands, 60 in band 0, 9 in band 1
      PROBED_4_LAYOUT.writePartitions(flip(base, [13]))[1], // 17 would be band 1's third
      ...lookup.slice(6),
    ]);
  });

  it('rejects malformed input with a clear message', () => {
    expect(() => BAND_LAYOUT.writePartitions('xyz')).toThrow(/16 lowercase hex digits/);
    expect(() => BAND_LAYOUT.queryPartitions('0123456789abcdef', 4)).toThrow(/within 3 bits, not 4/);
    expect(() => permutedTableLayout(3, [3])).toThrow(/more than 3 blocks/);
  });
});
