/**
 * Reader comments appended to an article with no markup at all: bare paragraphs after the article's last one (a
 * plain-text scrape, or `<p>` elements inside the HTML article), with no name, timestamp or "Reply" to find them by.
 * What gives them away is a change of register at the end: the article is long, impersonal paragraphs; the tail is
 * short paragraphs in a reader's voice (I, me, my, exclamations, questions), or short sentences about something else
 * than the article. Shared by the HTML and the plain-text extraction, on the article's paragraphs, after the marked
 * comments are already gone.
 */
import { contentWords, MIN_TOPIC_VOCABULARY, wordCount } from './text-lines.ts';

/** A paragraph this short (in words) reads like a reply rather than article prose. */
const SHORT_PARAGRAPH_WORDS = 30;
/** A line of at most this many words says nothing about who wrote it... */
const NEUTRAL_WORDS = 6;
/** ...unless it is an exclamation of at least this many words ("Enjoy!", "Happy baking!", "Então é isso!" close articles). */
const MIN_EXCLAMATION_WORDS = 4;
/** Only this many trailing paragraphs are candidates for a comment tail: the cost stays linear in a page's size. */
const MAX_TAIL_PARAGRAPHS = 200;
/** A short paragraph with fewer content words than this says too little to be judged off-topic (the article needs MIN_TOPIC_VOCABULARY words too). */
const MIN_OFF_TOPIC_WORDS = 2;
/** A tail's article paragraphs count this many times against its replies when tails are compared: losing article text costs more than leaving a reply. */
const ARTICLE_PARAGRAPH_COST = 2;

/**
 * The thresholds of the unmarked-comment cut, chosen by cross-validation on generated and real replies appended to
 * real article endings (test/core/unmarked-comments.test.ts prints the held-out figures).
 */
export interface TrailingCommentThresholds {
  /** Fewest replies in a comment tail: one odd short paragraph at the end (a sign-off, a question) stays. */
  minTailReplies: number;
  /** Share of the tail's non-neutral paragraphs that must read like replies. */
  minTailShare: number;
  /** The article before the tail may read like replies at most this often (a blog post in the first person keeps its end)... */
  maxHeadShare: number;
  /** ...unless the tail reads like replies this much more often than the article does. */
  minShareContrast: number;
  /** A short paragraph sharing less than this share of its content words with the article before it is off-topic: a reply. */
  maxOffTopicOverlap: number;
  /** The article before the tail has at least this many characters (and one paragraph of prose): a shorter page is not judged. */
  minHeadChars: number;
}

export const TRAILING_COMMENT_DEFAULTS: TrailingCommentThresholds = {
  minTailReplies: 3,
  minTailShare: 0.45,
  maxHeadShare: 0.1,
  minShareContrast: 0.7,
  maxOffTopicOverlap: 0.1,
  minHeadChars: 300,
};

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
  if (paragraph === paragraph.toUpperCase()) return 'neutral';
  // A few words ending in "!" are a reader's exclamation ("Finally someone says it!"); a question that short may be a sub-heading.
  if (words <= NEUTRAL_WORDS) return words >= MIN_EXCLAMATION_WORDS && /!\W*$/u.test(paragraph) ? 'reply' : 'neutral';
  if (speaksInPerson(paragraph)) return 'reply';
  if (words <= SHORT_PARAGRAPH_WORDS && /[!?]\W*$/u.test(paragraph)) return 'reply';
  return 'article';
}

/** First person singular in the writer's own words (quotes, where news copy has them, left out). */
function speaksInPerson(paragraph: string): boolean {
  const own = paragraph.replace(/“[^”]*”|"[^"]*"/g, ' ');
  return /\bI\b|\bI['’]m\b/.test(own) || /\b(?:me|my|lol)\b/i.test(own);
}

/**
 * Index of the first paragraph of a trailing run of unmarked comments in `paragraphs` (the article's, in order), or
 * paragraphs.length when there is none. A paragraph of the tail counts as a reply when it is in a reader's voice
 * (voiceOf), or when it is short and off-topic: it shares few content words with the article before the tail. A tail
 * is a comment run when it opens with a reply and holds at least minTailReplies replies, making minTailShare of its
 * non-neutral paragraphs, after at least minHeadChars of article that reads like replies at most maxHeadShare of
 * the time (or minShareContrast less often than the tail). Of the tails that qualify, the one that best separates
 * replies from article (most replies less twice the article paragraphs it would take; ties: the shorter) is cut, so
 * an article paragraph in the reader's voice a few paragraphs before the end does not take the article's end with it.
 */
export function trailingCommentsStart(paragraphs: readonly string[], thresholds: TrailingCommentThresholds = TRAILING_COMMENT_DEFAULTS): number {
  const count = paragraphs.length;
  const voices = paragraphs.map(voiceOf);
  const firstCandidate = Math.max(0, count - MAX_TAIL_PARAGRAPHS);
  const judgesTopic = thresholds.maxOffTopicOverlap > 0;
  const contentOf = paragraphs.map((paragraph, index) => (judgesTopic && index >= firstCandidate && voices[index] === 'article' && isPlainSentence(paragraph) ? contentWords(paragraph) : []));
  // The article's vocabulary is read only when some paragraph of the tail may be off-topic.
  const vocabulary = contentOf.some((words) => words.length > 0) ? new Set<string>() : null;
  let headReplies = 0;
  let headArticle = 0;
  let headChars = 0;
  let best = count;
  let bestScore = -Infinity;
  for (let start = 0; start < count; start++) {
    if (start >= firstCandidate && headArticle >= 1 && headChars >= thresholds.minHeadChars) {
      const tail = judgeTail(start);
      if (tail && tail.score >= bestScore) {
        best = start;
        bestScore = tail.score;
      }
    }
    if (voices[start] === 'reply') headReplies++;
    if (voices[start] === 'article') headArticle++;
    headChars += paragraphs[start]!.length;
    if (vocabulary) for (const word of contentWords(paragraphs[start]!)) vocabulary.add(word);
  }
  return best;

  /** The tail from `start` judged against the article before it (whose figures the loop holds), or null if it does not qualify. */
  function judgeTail(start: number): { score: number } | null {
    let replies = 0;
    let prose = 0;
    for (let index = start; index < count; index++) {
      if (voices[index] === 'reply' || isOffTopic(contentOf[index]!)) replies++;
      else if (voices[index] === 'article') prose++;
      if (index === start && replies === 0) return null;
    }
    if (replies < thresholds.minTailReplies) return null;
    const tailShare = replies / (replies + prose);
    const headShare = headReplies / Math.max(1, headReplies + headArticle);
    if (tailShare < thresholds.minTailShare) return null;
    if (headShare > thresholds.maxHeadShare && tailShare - headShare < thresholds.minShareContrast) return null;
    return { score: replies - ARTICLE_PARAGRAPH_COST * prose };
  }

  function isOffTopic(words: string[]): boolean {
    if (!vocabulary || words.length < MIN_OFF_TOPIC_WORDS || vocabulary.size < MIN_TOPIC_VOCABULARY) return false;
    return words.filter((word) => vocabulary.has(word)).length < thresholds.maxOffTopicOverlap * words.length;
  }
}
/**
 * A short paragraph that can be judged off-topic: one or two sentences of words, no digits, links or list marks (list
 * items, table rows and captions at an article's end share few words with its prose too, and are not replies).
 */
function isPlainSentence(paragraph: string): boolean {
  const words = wordCount(paragraph);
  return words > NEUTRAL_WORDS && words <= SHORT_PARAGRAPH_WORDS && /^\p{Lu}/u.test(paragraph) && /[.!?]$/.test(paragraph) && !/[\d@#*/()[\]|—–:]/.test(paragraph);
}

/** Share of a tail's non-neutral paragraphs that read like replies for the text rules' cut to count as comments. */
const MIN_REPLY_TAIL_SHARE = 0.3;

/** At least minTailReplies replies, making MIN_REPLY_TAIL_SHARE of the non-neutral paragraphs. */
export function isReplyTail(paragraphs: readonly string[]): boolean {
  const voices = paragraphs.map(voiceOf);
  const replies = voices.filter((voice) => voice === 'reply').length;
  const prose = voices.filter((voice) => voice === 'article').length;
  return replies >= TRAILING_COMMENT_DEFAULTS.minTailReplies && replies >= MIN_REPLY_TAIL_SHARE * (replies + prose);
}
