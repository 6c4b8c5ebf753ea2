/**
 * Text normalization shared by the exact hash and the similarity features, so that both see the same words.
 * One pass over UTF-16 code units with a lazily filled class table writes the normalized text as UTF-8 bytes and
 * hashes each word on the way: no per-word strings, slices or arrays (those dominated the fingerprint's profile).
 */
import { fmix32 } from './hash64.ts';

const UNKNOWN = 0;
const WORD = 1; // letter, combining mark or digit
const SEPARATOR = 2; // punctuation, symbols, whitespace, lone surrogates
const DROPPED = 3; // apostrophes: "don't" and "dont" are one word
const OWN_WORD = 4; // Han and kana, written without spaces: each character is a word
const HIGH_SURROGATE = 5; // first half of an astral code point: classified with the next unit
const KIND_MASK = 7;

const SPACE = 0x20;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
const UNSPACED_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const SIGMA = 0x3c3;
const FINAL_SIGMA = 0x3c2;
const APOSTROPHES = new Set(["'", '\u2018', '\u2019', '\u02bc', '`', '\u00b4']);

function classify(character: string): number {
  if (APOSTROPHES.has(character)) return DROPPED;
  if (UNSPACED_CHAR.test(character)) return OWN_WORD;
  return WORD_CHAR.test(character) ? WORD : SEPARATOR;
}

/**
 * Lower case of one character, by code point: per character rather than String#toLowerCase over the whole text (a
 * tenth of the fingerprint's time). The few characters whose lower case is longer keep its first code point
 * ("İ" -> "i"), and final sigma is folded into sigma, so case never depends on the neighbours.
 */
function lowerOf(codePoint: number): number {
  const lower = String.fromCodePoint(codePoint).toLowerCase().codePointAt(0)!;
  return lower === FINAL_SIGMA ? SIGMA : lower;
}

/** Class and lower case of a code point, packed as lower << 3 | class. */
function describe(codePoint: number): number {
  const kind = classify(String.fromCodePoint(codePoint));
  return ((kind === WORD || kind === OWN_WORD ? lowerOf(codePoint) : codePoint) << 3) | kind;
}

/**
 * Packed class and lower case per BMP code unit, filled on first sight (the regexes are slow; a page uses few
 * distinct characters). ASCII is filled up front; surrogates are classified in pairs.
 */
const unitInfo = new Uint32Array(0x10000);
for (let code = 0; code < 0x80; code++) unitInfo[code] = describe(code);
unitInfo.fill(HIGH_SURROGATE, 0xd800, 0xdc00);
unitInfo.fill(SEPARATOR, 0xdc00, 0xe000); // a low surrogate reached on its own is lone
const astralInfo = new Map<number, number>();

function describeAstral(codePoint: number): number {
  let info = astralInfo.get(codePoint);
  if (info === undefined) astralInfo.set(codePoint, (info = describe(codePoint)));
  return info;
}

/** Scripts written without spaces between words, which ICU segments with its dictionaries (Han and kana: per character). */
const UNSPACED_RUN = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}][\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{M}]*/gu;
const HAS_UNSPACED = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * Thai, Lao, Khmer and Myanmar text with a space between its words (Intl.Segmenter: ICU's dictionary word breaks),
 * so that one changed letter changes one word rather than a whole phrase; other text is returned as is.
 */
function spaceUnspacedWords(text: string): string {
  if (!HAS_UNSPACED.test(text)) return text;
  return text.replace(UNSPACED_RUN, (run) => {
    const words: string[] = [];
    for (const { segment } of wordSegmenter.segment(run)) words.push(segment);
    return words.join(' ');
  });
}

/** The normalized text as UTF-8 bytes (words separated by one space) and a 32-bit hash per word, in order. */
export interface NormalizedWords {
  /** Normalized UTF-8 bytes in bytes[0, byteLength). A scratch buffer reused by the next call: copy what you keep. */
  bytes: Uint8Array;
  byteLength: number;
  /** Word hashes in wordHashes[0, wordCount). Also a reused scratch buffer. */
  wordHashes: Uint32Array;
  wordCount: number;
}

/** Reused output buffers, grown on demand up to KEPT_SCRATCH_UNITS code units of input (larger inputs get one-off buffers, so one huge page does not pin its memory for the process's life). */
const KEPT_SCRATCH_UNITS = 1 << 20;
let scratchBytes = new Uint8Array(1 << 16);
let scratchHashes = new Uint32Array(1 << 14);

/**
 * Unicode NFKC, lower case, punctuation stripped, whitespace collapsed to single spaces, trimmed.
 * Apostrophes are removed; other punctuation and symbols separate words ("state-of-the-art" -> "state of the art").
 * Han and kana characters are spaced out one per word; Thai, Lao, Khmer and Myanmar are split into dictionary words. Each word's hash is FNV-1a over its code points and its
 * UTF-8 length, finalized with fmix32 (full avalanche), so equal words hash equally wherever they occur.
 */
export function normalizeWords(text: string): NormalizedWords {
  const source = spaceUnspacedWords(text.normalize('NFKC'));
  const length = source.length;
  // Worst case: 3 UTF-8 bytes and a space per code unit; at most one word per code unit.
  const out = scratchBytes.length >= 4 * length ? scratchBytes : new Uint8Array(4 * length);
  const hashes = scratchHashes.length >= length ? scratchHashes : new Uint32Array(length);
  if (length <= KEPT_SCRATCH_UNITS) {
    scratchBytes = out;
    scratchHashes = hashes;
  }
  let byteLength = 0;
  let wordCount = 0;
  let wordStart = -1; // byte offset of the current word in `out`, -1 between words
  let hash = 0;
  for (let i = 0; i < length; i++) {
    const code = source.charCodeAt(i);
    let info = unitInfo[code]!;
    if (code < 0x80 && (info & KIND_MASK) === WORD) {
      // Hot path: ASCII letters and digits; setting bit 5 lower-cases A-Z and keeps a-z and 0-9.
      if (wordStart < 0) {
        if (wordCount > 0) out[byteLength++] = SPACE;
        wordStart = byteLength;
        hash = FNV_OFFSET;
      }
      const lower = code | 0x20;
      out[byteLength++] = lower;
      hash = Math.imul(hash ^ lower, FNV_PRIME);
      continue;
    }
    if (info === UNKNOWN) info = unitInfo[code] = describe(code);
    else if (info === HIGH_SURROGATE) {
      const next = i + 1 < length ? source.charCodeAt(i + 1) : 0;
      info = SEPARATOR;
      if (next >= 0xdc00 && next <= 0xdfff) {
        info = describeAstral(0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00));
        i++;
      }
    }
    const kind = info & KIND_MASK;
    if (kind === SEPARATOR || kind === OWN_WORD) {
      if (wordStart >= 0) hashes[wordCount++] = fmix32(hash ^ (byteLength - wordStart));
      wordStart = -1;
      if (kind === SEPARATOR) continue;
    } else if (kind === DROPPED) continue;
    // A word or own-word character beyond ASCII: UTF-8 encoded, hashed by its lower-case code point.
    if (wordStart < 0) {
      if (wordCount > 0) out[byteLength++] = SPACE;
      wordStart = byteLength;
      hash = FNV_OFFSET;
    }
    const lower = info >>> 3;
    byteLength = writeUtf8(out, byteLength, lower);
    hash = Math.imul(hash ^ lower, FNV_PRIME);
    if (kind === OWN_WORD) {
      hashes[wordCount++] = fmix32(hash ^ (byteLength - wordStart));
      wordStart = -1;
    }
  }
  if (wordStart >= 0) hashes[wordCount++] = fmix32(hash ^ (byteLength - wordStart));
  return { bytes: out, byteLength, wordHashes: hashes, wordCount };
}

/** Writes a code point (not a surrogate) as UTF-8 at `offset`; returns the offset after it. */
function writeUtf8(out: Uint8Array, offset: number, codePoint: number): number {
  let at = offset;
  if (codePoint < 0x80) out[at++] = codePoint;
  else if (codePoint < 0x800) {
    out[at++] = 0xc0 | (codePoint >>> 6);
    out[at++] = 0x80 | (codePoint & 0x3f);
  } else if (codePoint < 0x10000) {
    out[at++] = 0xe0 | (codePoint >>> 12);
    out[at++] = 0x80 | ((codePoint >>> 6) & 0x3f);
    out[at++] = 0x80 | (codePoint & 0x3f);
  } else {
    out[at++] = 0xf0 | (codePoint >>> 18);
    out[at++] = 0x80 | ((codePoint >>> 12) & 0x3f);
    out[at++] = 0x80 | ((codePoint >>> 6) & 0x3f);
    out[at++] = 0x80 | (codePoint & 0x3f);
  }
  return at;
}

const utf8 = new TextDecoder();

/** The normalized text as a string (see normalizeWords for the rules). */
export function normalizeText(text: string): string {
  const { bytes, byteLength } = normalizeWords(text);
  return utf8.decode(bytes.subarray(0, byteLength));
}
