/**
 * Candidate index layouts for 64-bit SimHashes (pure: no AWS). A layout says, for a fingerprint, which index
 * partitions a document is written to and which ones a lookup queries; any two fingerprints within the layout's
 * `maxDistance` bits share at least one partition.
 *
 * Construction (Manku, Jain, Das Sarma, "Detecting near-duplicates for web crawling", WWW 2007, section 3.1.1):
 * split the bits into b blocks; fingerprints differing in at most k bits agree on at least b-k whole blocks, so one
 * table per choice of b-k blocks (C(b, k) tables), keyed by those blocks' bits, is exact. Levels repeat the split
 * on the bits left over by each choice, multiplying the tables and lengthening the prefix:
 *   [4]    at k=3:  4 tables, 16-bit prefixes: today's four 16-bit bands
 *   [5]    at k=3: 10 tables, 25/26-bit prefixes
 *   [4, 4] at k=3: 16 tables, 28-bit prefixes (16 bits, then 12 of the 48 left)
 * A longer prefix makes each partition hold ~N/2^prefix documents (reads per lookup), at the cost of more
 * partitions written per document.
 *
 * Probing (multi-probe LSH, Lv et al., VLDB 2007, with query-directed probes): a lookup may also query, per table, the
 * partitions its fingerprint would have with one bit flipped, the bits of that table nearest their threshold among the
 * fingerprint's weak bits (Fingerprint.weakBits: the bits an edit flips first). That finds pairs beyond the guarantee
 * (a differing weak bit in every table) at the price of reads only: a document is still written to one partition per
 * table. The default layout `probed4x16` writes 4 items and queries up to 8 partitions (one probe per table);
 * `probed4x16x2` probes two per table (up to 12). bench/index-scaling.ts measures the crossover; the README (Index
 * scaling) has the arithmetic to 10^9 documents.
 *
 * A deployment chooses its layout by name (INDEX_LAYOUT_NAMES; the store's StoreOptions.indexLayout). A table keeps
 * the layout it was filled with: lookups of another layout query other partitions and miss every document indexed
 * before the switch, so changing it means a fresh table (or re-indexing every document).
 */

export interface IndexLayout {
  /** Short stable id, also the partition prefix of non-default layouts, e.g. `p16x28`. */
  readonly name: string;
  /** Largest Hamming distance for which a shared partition is guaranteed. */
  readonly maxDistance: number;
  /** Number of tables = partitions written per document = partitions queried per lookup. */
  readonly tableCount: number;
  /** Prefix length of each table, in bits. */
  readonly prefixBits: readonly number[];
  /** The partitions a document with this fingerprint is written to (one per table), e.g. `0#3c5a` for band 0. */
  writePartitions(simhash: string): string[];
  /** The partitions to query for fingerprints within `distance` bits (default and at most `maxDistance`). */
  queryPartitions(simhash: string, distance?: number): string[];
  /** How many flipped weak bits a lookup probes per table (0: none, it queries the written partitions only). */
  readonly probesPerTable: number;
  /** The bits table t's probes flip, one probe each: the first probesPerTable of `weakBits` inside the table. */
  probeBitsOf(table: number, weakBits: readonly number[]): number[];
  /**
   * Every partition a lookup queries: queryPartitions, then the probes, table by table, each with one probe bit
   * flipped (tables none of `weakBits` falls in get none). Without weak bits (a fingerprint read back): queryPartitions.
   */
  lookupPartitions(simhash: string, weakBits?: readonly number[]): string[];
  /** Table t's prefix of a fingerprint given as two unsigned 32-bit halves, as a number (< 2^53): for simulations. */
  prefixOf(table: number, high: number, low: number): number;
}

/** A run of consecutive fingerprint bits (bit 0 = most significant), never crossing the 32-bit halves. */
interface BitRun {
  start: number;
  length: number;
}

const FINGERPRINT_BITS = 64;
const HEX64 = /^[0-9a-f]{16}$/;

/** The two unsigned 32-bit halves of a 16-hex-digit fingerprint. */
export function splitSimhash(simhash: string): { high: number; low: number } {
  if (!HEX64.test(simhash)) throw new RangeError(`a SimHash is 16 lowercase hex digits, got "${simhash}"`);
  return { high: Number.parseInt(simhash.slice(0, 8), 16), low: Number.parseInt(simhash.slice(8), 16) };
}

/** Split `positions` into `count` blocks, the first ones one bit longer when the length does not divide. */
function splitBlocks(positions: number[], count: number): number[][] {
  const blocks: number[][] = [];
  let start = 0;
  for (let block = 0; block < count; block++) {
    const size = Math.floor(positions.length / count) + (block < positions.length % count ? 1 : 0);
    blocks.push(positions.slice(start, start + size));
    start += size;
  }
  return blocks;
}

/** All ways to pick `size` of 0..n-1, in lexicographic order. */
function combinations(n: number, size: number): number[][] {
  if (size === 0) return [[]];
  const result: number[][] = [];
  for (let first = 0; first <= n - size; first++) {
    for (const rest of combinations(n - first - 1, size - 1)) result.push([first, ...rest.map((index) => index + first + 1)]);
  }
  return result;
}

/** The prefix bit positions of every table: the chosen blocks of each level, level after level. */
function tablePositions(positions: number[], blocksPerLevel: number[], maxDistance: number): number[][] {
  const [blocks, ...deeper] = blocksPerLevel;
  if (blocks === undefined) return [[]];
  const split = splitBlocks(positions, blocks);
  return combinations(blocks, blocks - maxDistance).flatMap((chosen) => {
    const prefix = chosen.flatMap((index) => split[index] as number[]);
    const rest = split.filter((_, index) => !chosen.includes(index)).flat();
    return tablePositions(rest, deeper, maxDistance).map((suffix) => [...prefix, ...suffix]);
  });
}

/** Sorted bit positions as runs that stay inside one 32-bit half. */
function toRuns(positions: number[]): BitRun[] {
  const runs: BitRun[] = [];
  for (const position of positions) {
    const last = runs.at(-1);
    if (last && last.start + last.length === position && position !== 32) last.length++;
    else runs.push({ start: position, length: 1 });
  }
  return runs;
}

function runBits(run: BitRun, high: number, low: number): number {
  const word = run.start < 32 ? high : low;
  const shift = 32 - (run.start % 32) - run.length;
  return run.length === 32 ? word >>> 0 : (word >>> shift) & ((1 << run.length) - 1);
}

/**
 * The layout of Manku et al.'s permuted tables for distance `maxDistance` with the given blocks per level.
 * `partitionName(table, prefixHex)` names a partition; the default is `<name>.<table>#<prefix hex>`.
 */
export function permutedTableLayout(
  maxDistance: number,
  blocksPerLevel: number[],
  options: { name?: string; partitionName?: (table: number, prefixHex: string) => string } = {},
): IndexLayout {
  if (!Number.isInteger(maxDistance) || maxDistance < 0) throw new RangeError(`maxDistance must be a non-negative integer, got ${maxDistance}`);
  if (blocksPerLevel.length === 0) throw new RangeError('a permuted-table layout needs at least one level of blocks');
  for (const blocks of blocksPerLevel) {
    if (!Number.isInteger(blocks) || blocks <= maxDistance) throw new RangeError(`each level needs more than ${maxDistance} blocks to leave one unchanged, got ${blocks}`);
  }
  const allBits = Array.from({ length: FINGERPRINT_BITS }, (_, bit) => bit);
  const tables = tablePositions(allBits, blocksPerLevel, maxDistance);
  return tableLayout(maxDistance, tables, options);
}

/**
 * The layout with one table per given set of bit positions (the prefix of table t is the bits tables[t], most
 * significant first). `maxDistance` is what the caller proved the tables guarantee.
 */
export function tableLayout(
  maxDistance: number,
  tablesBits: number[][],
  options: { name?: string; partitionName?: (table: number, prefixHex: string) => string; probesPerTable?: number } = {},
): IndexLayout {
  const tables = tablesBits.map((positions) => [...positions].sort((a, b) => a - b));
  const prefixBits = tables.map((positions) => positions.length);
  if (Math.max(...prefixBits) > 52) throw new RangeError(`prefixes longer than 52 bits are not supported, got ${Math.max(...prefixBits)}`);
  const runs = tables.map(toRuns);
  const name = options.name ?? `p${tables.length}x${Math.min(...prefixBits)}`;
  const partitionName = options.partitionName ?? ((table: number, prefixHex: string) => `${name}.${table}#${prefixHex}`);

  const prefixOf = (table: number, high: number, low: number): number => {
    let prefix = 0;
    for (const run of runs[table] ?? []) prefix = prefix * 2 ** run.length + runBits(run, high, low);
    return prefix;
  };
  const partitionOf = (table: number, high: number, low: number): string =>
    partitionName(table, prefixOf(table, high, low).toString(16).padStart(Math.ceil(prefixBits[table]! / 4), '0'));
  const writePartitions = (simhash: string): string[] => {
    const { high, low } = splitSimhash(simhash);
    return tables.map((_, table) => partitionOf(table, high, low));
  };
  const probesPerTable = options.probesPerTable ?? 0;
  const probeBitsOf = (table: number, weakBits: readonly number[]): number[] =>
    probesPerTable === 0 ? [] : weakBits.filter((bit) => tables[table]!.includes(bit)).slice(0, probesPerTable);
  return {
    name,
    maxDistance,
    tableCount: tables.length,
    prefixBits,
    writePartitions,
    queryPartitions(simhash, distance = maxDistance) {
      if (distance > maxDistance) throw new RangeError(`layout ${name} guarantees candidates within ${maxDistance} bits, not ${distance}`);
      return writePartitions(simhash);
    },
    probesPerTable,
    probeBitsOf,
    lookupPartitions(simhash, weakBits = []) {
      const partitions = writePartitions(simhash);
      const { high, low } = splitSimhash(simhash);
      tables.forEach((_, table) => {
        for (const bit of probeBitsOf(table, weakBits)) {
          const flipped = flipBit(high, low, bit);
          partitions.push(partitionOf(table, flipped.high, flipped.low));
        }
      });
      return partitions;
    },
    prefixOf,
  };
}

/** The fingerprint given as halves with bit `bit` (0 = most significant) flipped. */
export function flipBit(high: number, low: number, bit: number): { high: number; low: number } {
  if (!Number.isInteger(bit) || bit < 0 || bit >= FINGERPRINT_BITS) throw new RangeError(`a fingerprint bit is 0..63, got ${bit}`);
  return bit < 32 ? { high: (high ^ (1 << (31 - bit))) >>> 0, low } : { high, low: (low ^ (1 << (63 - bit))) >>> 0 };
}

/** The names a deployment chooses a layout by (StoreOptions.indexLayout, env INDEX_LAYOUT, CDK option indexLayout). */
const LAYOUT_NAMES = { bands: 'bands4x16', bands8: 'bands8x16', permuted10: 'p10x25', permuted16: 'p16x28', probed: 'probed4x16', probed2: 'probed4x16x2' } as const;
export type IndexLayoutName = (typeof LAYOUT_NAMES)[keyof typeof LAYOUT_NAMES];
export const INDEX_LAYOUT_NAMES: readonly IndexLayoutName[] = Object.values(LAYOUT_NAMES);

/** Four interleaved 16-bit bands: bit i in band i mod 4 (the default's bands, and the second set of bands8x16). */
const INTERLEAVED_BANDS = [0, 1, 2, 3].map((band) => Array.from({ length: 16 }, (_, i) => 4 * i + band));
/** Today's design: four 16-bit bands, partitions `<band>#<4 hex>` (the store prefixes `BAND#`). */
export const BAND_LAYOUT = permutedTableLayout(3, [4], { name: LAYOUT_NAMES.bands, partitionName: (table, prefixHex) => `${table}#${prefixHex}` });
/**
 * Two sets of four 16-bit bands: the contiguous ones, and the interleaved ones (bit i in band i mod 4). Each set alone
 * guarantees candidates within 3 bits; together they catch most pairs 4 to 7 bits apart, which one set misses when
 * the differing bits fall in all four of its bands. Unbiased fingerprints (fingerprint version 2: common words left
 * out) spread a repost with 10% of its text changed over about 6 bits, so the second set keeps reposts found (repost
 * recall through extraction and the index, test/core/analyze.test.ts: 0.930 with one set, 0.962 with both).
 */
export const BANDS_8_LAYOUT = tableLayout(3, [
  ...[0, 1, 2, 3].map((band) => Array.from({ length: 16 }, (_, i) => 16 * band + i)),
  ...INTERLEAVED_BANDS,
], { name: LAYOUT_NAMES.bands8 });
/**
 * The default: four interleaved 16-bit bands (bit i in band i mod 4; 3-bit guarantee), 4 items written per document,
 * and a lookup probes each band with its weakest bit flipped as well (up to 8 Queries, 8.0 on average). With balanced
 * bits (fingerprint version 3) it finds more generated reposts than the 8 bands (0.975 vs 0.965 through extraction,
 * test/core/analyze.test.ts) at half their writes: a new unique page stays within issue 15's 6 WRU. Interleaved rather
 * than contiguous: measured a little better on both counts (README, Index scaling).
 */
export const PROBED_4_LAYOUT = tableLayout(3, INTERLEAVED_BANDS, { name: LAYOUT_NAMES.probed, probesPerTable: 1 });
/**
 * The same 4 bands and items (same partition names: `probed4x16.<t>#<hex>`, so a table can switch between the two),
 * probed with two weak bits per band: up to 12 Queries, more reposts found (README, Index scaling).
 */
export const PROBED_4_TWICE_LAYOUT = tableLayout(3, INTERLEAVED_BANDS, {
  name: LAYOUT_NAMES.probed2,
  partitionName: (table, prefixHex) => `${LAYOUT_NAMES.probed}.${table}#${prefixHex}`,
  probesPerTable: 2,
});
/** Manku et al.'s 10 tables of 25/26-bit prefixes for k = 3. */
export const PERMUTED_10_LAYOUT = permutedTableLayout(3, [5], { name: LAYOUT_NAMES.permuted10 });
/** Manku et al.'s 16 tables of 28-bit prefixes for k = 3 (two levels of 4 blocks). */
export const PERMUTED_16_LAYOUT = permutedTableLayout(3, [4, 4], { name: LAYOUT_NAMES.permuted16 });

export const INDEX_LAYOUTS = { bands: BAND_LAYOUT, bands8: BANDS_8_LAYOUT, permuted10: PERMUTED_10_LAYOUT, permuted16: PERMUTED_16_LAYOUT, probed: PROBED_4_LAYOUT, probed2: PROBED_4_TWICE_LAYOUT } as const satisfies Record<
  keyof typeof LAYOUT_NAMES,
  IndexLayout
>;

/** The layout the store writes unless a deployment chooses another. */
export const DEFAULT_INDEX_LAYOUT: IndexLayout = PROBED_4_LAYOUT;
export const DEFAULT_INDEX_LAYOUT_NAME: IndexLayoutName = LAYOUT_NAMES.probed;

export function isIndexLayoutName(value: unknown): value is IndexLayoutName {
  return typeof value === 'string' && (INDEX_LAYOUT_NAMES as readonly string[]).includes(value);
}

/** The layout of that name; an unknown name is a configuration error that lists the valid ones. */
export function indexLayoutNamed(name: string): IndexLayout {
  const layout = Object.values(INDEX_LAYOUTS).find((candidate) => candidate.name === name);
  if (!layout) throw new RangeError(`unknown index layout "${name}": valid layouts are ${INDEX_LAYOUT_NAMES.join(', ')}`);
  return layout;
}
