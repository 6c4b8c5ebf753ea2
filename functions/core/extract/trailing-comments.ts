/**
 * Reader comments appended to an article with no markup at all: bare paragraphs after the article's last one (a
 * plain-text scrape, or `<p>` elements inside the HTML article), with no name, timestamp or "Reply" to find them by.
 * What gives them away is a change of register at the end: the article is long, impersonal paragraphs; the tail is
 * short paragraphs in a reader's voice (I, me, my, exclamations, questions). Shared by the HTML and the plain-text
 * extraction, on the article's paragraphs, after the marked comments are already gone.
 */
import { wordCount } from './text-lines.ts';

/** A paragraph this short (in words) reads like a reply rather than article prose. */
const SHORT_PARAGRAPH_WORDS = 30;
/** Fewest paragraphs in a comment tail: one odd short paragraph at the end (a sign-off, a question) stays. */
const MIN_TAIL_PARAGRAPHS = 3;
/** Share of the tail's paragraphs that must read like replies. */
const MIN_TAIL_COMMENT_SHARE = 0.45;
/** The article before the tail may read like replies at most this often (a blog post in the first person keeps its end). */
const MAX_HEAD_COMMENT_SHARE = 0.1;
/** The article before the tail has at least this many paragraphs and characters: a short page is not judged. */
const MIN_HEAD_PARAGRAPHS = 3;
const MIN_HEAD_CHARS = 600;

type Voice = 'reply' | 'neutral' | 'article';

/**
 * A paragraph's voice: a reply (a reader speaking for themselves: I, me, my, lol; or short and ending in "!" or
 * "?"), neutral (a line of a few words: a name, a heading, a list item, which either side may hold; or a heading in
 * capitals), or article prose. "We", "you" and contractions are not a reader's mark: fact-checks, editorials and
 * shopping guides use them throughout (measured: with "you", 4 article-extraction-benchmark articles lost their
 * second half).
 */
export function voiceOf(paragraph: string): Voice {
  const words = wordCount(paragraph);
  if (words > 2 * SHORT_PARAGRAPH_WORDS) return 'article';
  if (words <= NEUTRAL_WORDS || paragraph === paragraph.toUpperCase()) return 'neutral';
  if (speaksInPerson(paragraph)) return 'reply';
  if (words <= SHORT_PARAGRAPH_WORDS && /[!?]\W*$/u.test(paragraph)) return 'reply';
  return 'article';
}

/** First person singular in the writer's own words (quotes, where news copy has them, left out). */
function speaksInPerson(paragraph: string): boolean {
  const own = paragraph.replace(/“[^”]*”|"[^"]*"/g, ' ');
  return /\bI\b|\bI['’]m\b/.test(own) || /\b(?:me|my|lol)\b/i.test(own);
}
/** A line of at most this many words says nothing about who wrote it. */
const NEUTRAL_WORDS = 6;

/**
 * Index of the first paragraph of a trailing run of unmarked comments in `paragraphs` (the article's, in order), or
 * paragraphs.length when there is none: the longest tail that opens with a reply, holds at least MIN_TAIL_PARAGRAPHS
 * replies that make MIN_TAIL_COMMENT_SHARE of its non-neutral paragraphs, after an article whose non-neutral
 * paragraphs are at most MAX_HEAD_COMMENT_SHARE replies.
 */
export function trailingCommentsStart(paragraphs: readonly string[]): number {
  const voices = paragraphs.map(voiceOf);
  // Suffix counts, so each cut point costs O(1).
  const tailReplies = new Array<number>(paragraphs.length + 1).fill(0);
  const tailArticle = new Array<number>(paragraphs.length + 1).fill(0);
  for (let i = paragraphs.length - 1; i >= 0; i--) {
    tailReplies[i] = tailReplies[i + 1]! + (voices[i] === 'reply' ? 1 : 0);
    tailArticle[i] = tailArticle[i + 1]! + (voices[i] === 'article' ? 1 : 0);
  }
  let headReplies = 0;
  let headArticle = 0;
  let headChars = 0;
  for (let start = 0; start < paragraphs.length; start++) {
    const replies = tailReplies[start]!;
    if (replies < MIN_TAIL_PARAGRAPHS) break;
    if (voices[start] === 'reply' && headArticle >= MIN_HEAD_PARAGRAPHS && headChars >= MIN_HEAD_CHARS) {
      const tailShare = replies / (replies + tailArticle[start]!);
      const headShare = headReplies / (headReplies + headArticle);
      if (tailShare >= MIN_TAIL_COMMENT_SHARE && headShare <= MAX_HEAD_COMMENT_SHARE) return start;
    }
    if (voices[start] === 'reply') headReplies++;
    if (voices[start] === 'article') headArticle++;
    headChars += paragraphs[start]!.length;
  }
  return paragraphs.length;
}

/** Share of a tail's non-neutral paragraphs that read like replies for the text rules' cut to count as comments. */
const MIN_REPLY_TAIL_SHARE = 0.3;

/** At least MIN_TAIL_PARAGRAPHS replies, making MIN_REPLY_TAIL_SHARE of the non-neutral paragraphs. */
export function isReplyTail(paragraphs: readonly string[]): boolean {
  const voices = paragraphs.map(voiceOf);
  const replies = voices.filter((voice) => voice === 'reply').length;
  const prose = voices.filter((voice) => voice === 'article').length;
  return replies >= MIN_TAIL_PARAGRAPHS && replies >= MIN_REPLY_TAIL_SHARE * (replies + prose);
}
