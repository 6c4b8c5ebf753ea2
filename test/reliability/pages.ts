/**
 * Invented pages for the reliability suite and the soak (never corpus content): seeded article text, HTML
 * wrapping, near-duplicate variants, and the unrelated corpus article bodies the concurrency test needs.
 */
import { compareFingerprints, fingerprintText } from '../../functions/core/fingerprint.ts';
import { readCorpusJson } from '../support/corpus.ts';
import { seededRandom } from '../support/random.ts';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'pen', 'dor', 'gal', 'mar', 'ben', 'tis', 'quo', 'ler', 'zan', 'fi', 'ho', 'wu'];

/** An invented word of 2-4 syllables. */
function inventedWord(random: () => number): string {
  const length = 2 + Math.floor(random() * 3);
  return Array.from({ length }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join('');
}

/**
 * An invented article: `paragraphs` paragraphs of sentences over a vocabulary drawn from the seed, so articles of
 * different seeds share almost no word shingles (they are unrelated for the near-duplicate detector).
 */
export function inventedArticle(seed: number, paragraphs = 6): string {
  const random = seededRandom(seed);
  const vocabulary = Array.from({ length: 400 }, () => inventedWord(random));
  const word = (): string => vocabulary[Math.floor(random() * vocabulary.length)] as string;
  const sentence = (): string => {
    const words = Array.from({ length: 8 + Math.floor(random() * 10) }, word);
    return `${words.join(' ').replace(/^./, (first) => first.toUpperCase())}.`;
  };
  return Array.from({ length: paragraphs }, () => Array.from({ length: 4 + Math.floor(random() * 3) }, sentence).join(' ')).join('\n\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A plain article page around `text`, with navigation and a footer for the extractor to cut. */
export function articleHtml(title: string, text: string, options: { charsetMeta?: string } = {}): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim())}</p>`)
    .join('\n');
  const meta = options.charsetMeta ? `<meta charset="${options.charsetMeta}">` : '';
  return (
    `<!doctype html><html><head>${meta}<title>${escapeHtml(title)}</title></head><body>` +
    `<nav><a href="/">Home</a> <a href="/news">News</a></nav>` +
    `<article><h1>${escapeHtml(title)}</h1>\n${paragraphs}\n</article>` +
    `<footer>Copyright the invented publisher</footer></body></html>`
  );
}

/**
 * A light repost edit of `text`: one word of the middle paragraph replaced and a short line appended, both derived
 * from `variant`, so every variant differs from every other while staying a near-duplicate of them all.
 */
export function nearDuplicateVariant(text: string, variant: number): string {
  const words = text.split(' ');
  const position = Math.floor(words.length / 2) + (variant % 7);
  words[position] = `edited${variant}`;
  return `${words.join(' ')}\n\nReposted as copy number ${variant}.`;
}

interface GroundTruthEntry {
  articleBody: string;
}

/**
 * `count` bodies of different articles of the extraction benchmark, at least `minChars` long, none a
 * near-duplicate of another (checked with the project's own comparison) nor of `avoid`.
 */
export function unrelatedCorpusBodies(count: number, avoid: string[] = [], minChars = 800): string[] {
  const truth = readCorpusJson<Record<string, GroundTruthEntry>>('article-extraction-benchmark', 'ground-truth.json');
  const chosen: { text: string; fingerprint: ReturnType<typeof fingerprintText> }[] = avoid.map((text) => ({ text, fingerprint: fingerprintText(text) }));
  for (const entry of Object.values(truth)) {
    if (chosen.length - avoid.length >= count) break;
    if (entry.articleBody.length < minChars) continue;
    const fingerprint = fingerprintText(entry.articleBody);
    if (chosen.some((other) => compareFingerprints(fingerprint, other.fingerprint).nearDuplicate)) continue;
    chosen.push({ text: entry.articleBody, fingerprint });
  }
  const bodies = chosen.slice(avoid.length).map((entry) => entry.text);
  if (bodies.length < count) throw new Error(`the extraction benchmark has only ${bodies.length} mutually unrelated bodies of ${minChars}+ chars, ${count} wanted`);
  return bodies;
}
