/**
 * Text normalization shared by the exact hash and the similarity features, so that both see the same words.
 */

const APOSTROPHES = /['\u2018\u2019\u02bc`\u00b4]/gu;
/** Anything that is not a letter, a combining mark or a digit separates words (punctuation, symbols, whitespace). */
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/gu;
/** Scripts written without spaces: each character becomes a word so that shingles still exist. */
const UNSPACED_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const UNSPACED_CHARS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/**
 * Unicode NFKC, lower case, punctuation stripped, whitespace collapsed to single spaces, trimmed.
 * Apostrophes are removed (so "don't" and "dont" are one word); other punctuation separates words
 * ("state-of-the-art" -> "state of the art"). Han and kana characters are spaced out one per word.
 */
export function normalizeText(text: string): string {
  let normalized = text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, '');
  if (UNSPACED_SCRIPTS.test(normalized)) normalized = normalized.replace(UNSPACED_CHARS, ' $& ');
  return normalized.replace(SEPARATORS, ' ').trim();
}

/** The words of a normalized text (for tests and diagnostics; the fingerprint walks the string without splitting). */
export function wordsOf(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}
