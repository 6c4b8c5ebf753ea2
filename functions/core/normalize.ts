/**
 * Text normalization shared by the exact hash and the similarity features, so that both see the same words.
 * One pass over UTF-16 code units with a lazily filled class table: Unicode-property regexes over whole pages
 * measured ~7 MB/s, the slowest step of the fingerprint by far.
 */

const UNKNOWN = 0;
const WORD = 1; // letter, combining mark or digit
const SEPARATOR = 2; // punctuation, symbols, whitespace
const DROPPED = 3; // apostrophes: "don't" and "dont" are one word
const OWN_WORD = 4; // Han and kana, written without spaces: each character is a word

const charClasses = new Uint8Array(0x10000);
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
const UNSPACED_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const APOSTROPHES = new Set(["'", '\u2018', '\u2019', '\u02bc', '`', '\u00b4']);

function classify(character: string): number {
  if (APOSTROPHES.has(character)) return DROPPED;
  if (UNSPACED_CHAR.test(character)) return OWN_WORD;
  return WORD_CHAR.test(character) ? WORD : SEPARATOR;
}

/** Class of the character at `index`: a table lookup, except astral code points (rare), classified each time. */
function classAt(text: string, index: number, code: number): number {
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) return classify(text.slice(index, index + 2));
  let kind = charClasses[code]!;
  if (kind === UNKNOWN) kind = charClasses[code] = classify(String.fromCharCode(code));
  return kind;
}

/**
 * Unicode NFKC, lower case, punctuation stripped, whitespace collapsed to single spaces, trimmed.
 * Apostrophes are removed; other punctuation and symbols separate words ("state-of-the-art" -> "state of the art").
 * Han and kana characters are spaced out one per word.
 */
export function normalizeText(text: string): string {
  const source = text.normalize('NFKC').toLowerCase();
  const words: string[] = [];
  let word = '';
  let runStart = -1; // start of the current run of word characters, appended to `word` when it ends
  const flushRun = (end: number) => {
    if (runStart >= 0) word += source.slice(runStart, end);
    runStart = -1;
  };
  const endWord = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  for (let i = 0; i < source.length; ) {
    const code = source.charCodeAt(i);
    // ASCII fast path: a-z and 0-9 are word characters.
    const kind = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) ? WORD : code < 0x80 && code !== 0x27 && code !== 0x60 ? SEPARATOR : classAt(source, i, code);
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < source.length ? 2 : 1;
    if (kind === WORD) {
      if (runStart < 0) runStart = i;
    } else {
      flushRun(i);
      if (kind === SEPARATOR) endWord();
      else if (kind === OWN_WORD) {
        endWord();
        words.push(source.slice(i, i + width));
      }
    }
    i += width;
  }
  flushRun(source.length);
  endWord();
  return words.join(' ');
}

