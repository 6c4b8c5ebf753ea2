/**
 * The page fingerprint (public API): a 64-bit SimHash over single words finds candidates through the index
 * (functions/store/index-layout.ts), a bottom-k MinHash sketch of word 4-shingles confirms them, and a SHA-256 of the
 * normalized text finds exact duplicates. The figures behind the design and the thresholds are printed by test/core/near-duplicates.test.ts.
 */
import { hash } from 'node:crypto';
import { resolveCoreConfig, type CoreConfig } from './config.ts';
import { fmix32 } from './hash64.ts';
import { normalizeWords } from './normalize.ts';
import { balancedSimhashOf, hammingDistanceHex } from './simhash.ts';
import { BIT_THRESHOLDS } from './bit-thresholds.ts';
import { COMMON_WORD_HASHES } from './common-words.ts';
import { compareSketches, decodeSketch, encodeSketch, sketchOf } from './sketch.ts';
import type { Comparison, Fingerprint, SimHashHex } from './types.ts';

export { normalizeText } from './normalize.ts';

/**
 * Version of the fingerprint's features: fingerprints of different versions are never compared (their SimHashes
 * and shingles mean different things), and a table filled with an older version is recomputed by `archive-dedup
 * reindex` (locally) or the backfill state machine. Raise it whenever normalization, features, weights or the
 * common-word table change. 1: term-frequency SimHash over every word, unsegmented Thai/Lao/Khmer/Myanmar (stored
 * documents without a version are version 1); 2: common words left out, those scripts split into words; 3: each bit
 * set above its own threshold (bit-thresholds.ts), so bits are balanced on real pages, and the sketch keeps 96 shingle
 * hashes instead of 64 (the same hashes: sketches of either version still compare, at k = 64); 4: the same features
 * over a main text that leaves out more unmarked reader replies (extract/trailing-comments.ts: off-topic short
 * paragraphs, short pages, exclamations), so a page with bare replies fingerprints differently than under version 3.
 */
export const FINGERPRINT_VERSION = 4;

/**
 * How many of the SimHash bits nearest their threshold a fingerprint names (`weakBits`): a lookup also probes the
 * index partitions with one of them flipped (index-layout.ts). 16: enough for two probes in most of the 4 bands; one
 * probe per band measured the same with 8 as with all 64.
 */
export const WEAK_BIT_COUNT = 16;

/** Words per shingle in the sketch: 4 measured best on the Webis pairs (the extraction benchmark also scores 4-grams). */
export const SHINGLE_WORDS = 4;

/**
 * Words found in most pages of any topic ("the", "and", "is", ...), from a shipped document-frequency table
 * (common-words.ts, built from other pages than the ones it is scored on). They set the same SimHash bits in every
 * page, which put unrelated pages 21 bits apart on average instead of 32; the SimHash leaves them out (the sketch keeps
 * them: its 4-word shingles are specific anyway).
 */
const COMMON_SLOTS = 1024; // open addressing at about 10% load: most probes end at the first slot
const commonWordTable = new Uint32Array(COMMON_SLOTS); // 0 = empty (no common word hashes to 0: checked below)
for (const word of COMMON_WORD_HASHES) {
  if (word === 0) throw new Error('common-words.ts holds the hash 0, which the table reserves for empty slots');
  let slot = word & (COMMON_SLOTS - 1);
  while (commonWordTable[slot] !== 0) slot = (slot + 1) & (COMMON_SLOTS - 1);
  commonWordTable[slot] = word;
}

function isCommonWord(word: number): boolean {
  for (let slot = word & (COMMON_SLOTS - 1); ; slot = (slot + 1) & (COMMON_SLOTS - 1)) {
    const held = commonWordTable[slot]!;
    if (held === word) return word !== 0;
    if (held === 0) return false;
  }
}
let scratchTopical = new Uint32Array(1 << 14);

/** The word hashes without the common words, into a reused scratch buffer. */
function topicalWords(words: Uint32Array, wordCount: number): { topical: Uint32Array; count: number } {
  const topical = scratchTopical.length >= wordCount ? scratchTopical : new Uint32Array(wordCount);
  if (wordCount <= KEPT_SCRATCH_WORDS) scratchTopical = topical;
  let count = 0;
  for (let i = 0; i < wordCount; i++) if (!isCommonWord(words[i]!)) topical[count++] = words[i]!;
  return { topical, count };
}

/** Reused shingle buffer, kept up to this many words (larger texts get a one-off buffer). */
const KEPT_SCRATCH_WORDS = 1 << 18;
let scratchShingles = new Uint32Array(1 << 14);

/**
 * Hashes of each run of `shingleWords` (SHINGLE_WORDS) consecutive words (order-sensitive), into a reused scratch
 * buffer (copy what you keep); a text with fewer words gives one shingle of all of them. Other widths: the feature
 * study (scripts/near-duplicate-features.ts). The word hashes are already avalanched, so a multiply-rotate chain
 * and one final avalanche suffice.
 */
export function shingleHashes(words: Uint32Array, wordCount: number, shingleWords = SHINGLE_WORDS): { shingles: Uint32Array; count: number } {
  const shingles = scratchShingles.length >= wordCount ? scratchShingles : new Uint32Array(wordCount);
  if (wordCount <= KEPT_SCRATCH_WORDS) scratchShingles = shingles;
  const width = Math.min(wordCount, shingleWords);
  let count = 0;
  for (let end = Math.max(width, 1); end <= wordCount; end++) {
    let hash = 0x2545f491;
    for (let i = end - width; i < end; i++) hash = Math.imul(((hash << 15) | (hash >>> 17)) ^ words[i]!, 0xcc9e2d51);
    shingles[count++] = fmix32(hash ^ width);
  }
  return { shingles, count };
}

/**
 * Fingerprint of an article's main text: the SimHash of its words but the common ones (weight 1 per occurrence, i.e.
 * term frequency: it measured more robust to edits than log-tf, IDF or length weights), each bit set where more than
 * its shipped threshold of the words set it (BIT_THRESHOLDS: the median share on reference pages, so bits are
 * balanced: the index partitions fill evenly), the WEAK_BIT_COUNT bits nearest their threshold, the sketch of its word
 * shingles, and the SHA-256 of its normalized UTF-8 text. Empty text (nothing left after normalization) is defined
 * as: simhash "0000000000000000", no weak bits, the SHA-256 of "", and an empty sketch that is similar to nothing.
 */
export function fingerprintText(mainText: string): Fingerprint {
  const { bytes, byteLength, wordHashes, wordCount } = normalizeWords(mainText);
  const { topical, count: topicalCount } = topicalWords(wordHashes, wordCount);
  const { simhash, weakBits } = balancedSimhashOf(topical, topicalCount, BIT_THRESHOLDS, WEAK_BIT_COUNT);
  const { shingles, count } = shingleHashes(wordHashes, wordCount);
  return {
    fingerprintVersion: FINGERPRINT_VERSION,
    simhash,
    weakBits,
    contentHash: hash('sha256', bytes.subarray(0, byteLength), 'hex'),
    sketch: encodeSketch(sketchOf(shingles, count)),
  };
}

/** Differing bits between two fingerprints (0..64). */
export function hammingDistance(a: SimHashHex, b: SimHashHex): number {
  return hammingDistanceHex(a, b);
}

/**
 * The four 16-bit bands of a fingerprint as `"<i>:<4 hex>"` (i = 0..3, most significant first). Two fingerprints
 * within 3 bits differ in at most 3 bands, so they share at least one band exactly (pigeonhole; Manku et al. 2007).
 */
export function bandKeys(simhash: SimHashHex): string[] {
  hammingDistanceHex(simhash, simhash); // validates the format
  return [0, 1, 2, 3].map((band) => `${band}:${simhash.slice(4 * band, 4 * band + 4)}`);
}

/**
 * Near-duplicate decision on the shingle sketches: estimated Jaccard at least config.minSimilarity, or containment
 * (share of the smaller document's 4-shingles found in the larger) at least config.minContainment with Jaccard still
 * at least config.minContainedJaccard. Containment forgives a cut ending or appended text; the Jaccard floor keeps a
 * short page that mostly shares a site template with a long one from matching (containment 0.89, Jaccard 0.38 on
 * such pages of another crawl, where the former mean of the two passed). No SimHash distance cutoff unless
 * config.maxDistance sets one. `similarity` is the mean of the two, for display.
 */
export function compareFingerprints(
  a: Pick<Fingerprint, 'simhash' | 'sketch'>,
  b: Pick<Fingerprint, 'simhash' | 'sketch'>,
  overrides: Partial<CoreConfig> = {},
): Comparison {
  const config = resolveCoreConfig(overrides);
  const distance = hammingDistanceHex(a.simhash, b.simhash);
  const { jaccard, containment } = compareSketches(decodeSketch(a.sketch), decodeSketch(b.sketch));
  return { distance, similarity: (jaccard + containment) / 2, jaccard, containment, nearDuplicate: distance <= config.maxDistance && isNearDuplicate(jaccard, containment, config) };
}

/** The decision rule alone (also what threshold searches evaluate). */
export function isNearDuplicate(jaccard: number, containment: number, config: Pick<CoreConfig, 'minSimilarity' | 'minContainment' | 'minContainedJaccard'>): boolean {
  return jaccard >= config.minSimilarity || (containment >= config.minContainment && jaccard >= config.minContainedJaccard);
}
