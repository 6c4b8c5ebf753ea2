/**
 * A bottom-k MinHash sketch of a document's word shingles (Broder 1997; Cohen & Kaplan 2007): the k smallest distinct
 * 32-bit shingle hashes, plus the number of distinct shingles. One hash per shingle (no k permutations), and exact
 * for documents with at most k shingles. Encoded as base64 (348 characters for k = 64) to live in a DynamoDB item.
 */

export const SKETCH_SIZE = 64;
const SKETCH_VERSION = 1;
const HEADER_BYTES = 5; // version (u8) + distinct shingle count (u32 LE)

export interface Sketch {
  /** Number of distinct shingles in the document. */
  distinct: number;
  /** The smallest distinct shingle hashes, ascending (at most SKETCH_SIZE). */
  minima: Uint32Array;
}

/** Bottom-k of a list of shingle hashes (duplicates allowed). Sorts the given array in place. */
export function sketchOf(shingleHashes: Uint32Array): Sketch {
  const sorted = shingleHashes.sort();
  const minima = new Uint32Array(Math.min(SKETCH_SIZE, sorted.length));
  let kept = 0;
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    if (kept < SKETCH_SIZE) minima[kept++] = sorted[i]!;
    distinct++;
  }
  return { distinct, minima: minima.subarray(0, kept) };
}

export function encodeSketch(sketch: Sketch): string {
  const bytes = Buffer.alloc(HEADER_BYTES + 4 * sketch.minima.length);
  bytes.writeUInt8(SKETCH_VERSION, 0);
  bytes.writeUInt32LE(sketch.distinct, 1);
  sketch.minima.forEach((value, index) => bytes.writeUInt32LE(value, HEADER_BYTES + 4 * index));
  return bytes.toString('base64');
}

export function decodeSketch(encoded: string): Sketch {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < HEADER_BYTES || bytes.readUInt8(0) !== SKETCH_VERSION || (bytes.length - HEADER_BYTES) % 4 !== 0) {
    throw new TypeError(`not a version-${SKETCH_VERSION} shingle sketch: "${encoded.slice(0, 24)}..."`);
  }
  const minima = new Uint32Array((bytes.length - HEADER_BYTES) / 4);
  for (let i = 0; i < minima.length; i++) minima[i] = bytes.readUInt32LE(HEADER_BYTES + 4 * i);
  return { distinct: bytes.readUInt32LE(1), minima };
}

export interface SketchSimilarity {
  /** Estimated Jaccard similarity of the two shingle sets. */
  jaccard: number;
  /** Estimated share of the smaller set found in the larger one (1 when one document contains the other). */
  containment: number;
}

/**
 * Jaccard from the k smallest hashes of the union (taken from the two bottom-k lists) that are in both;
 * containment from Jaccard and the two set sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
 * Empty documents are similar to nothing (exact duplicates are found by content hash instead).
 */
export function compareSketches(a: Sketch, b: Sketch): SketchSimilarity {
  if (a.minima.length === 0 || b.minima.length === 0) return { jaccard: 0, containment: 0 };
  let i = 0;
  let j = 0;
  let taken = 0;
  let shared = 0;
  // Stops at k union elements: a truncated list is never walked past its end before k are taken.
  while (taken < SKETCH_SIZE && (i < a.minima.length || j < b.minima.length)) {
    const x = i < a.minima.length ? a.minima[i]! : Infinity;
    const y = j < b.minima.length ? b.minima[j]! : Infinity;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
    taken++;
  }
  const jaccard = shared / taken;
  const intersection = (jaccard * (a.distinct + b.distinct)) / (1 + jaccard);
  const containment = Math.min(1, intersection / Math.min(a.distinct, b.distinct));
  return { jaccard, containment };
}
