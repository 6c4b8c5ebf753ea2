/** Where the article of a plain-text page starts and ends (see text.ts for the whole heuristic). */
import { contentWords, MIN_TOPIC_VOCABULARY, isConversational, isHandleLine, isInformal, isNameLike, isTitleLike } from './text-lines.ts';
import { hasCommentMarker, isArticleProse, isSiteFurniture, type Paragraph } from './text-units.ts';

/** A prose paragraph this short, alone before a headline, is a header sentence (a site tagline), not the article's start. */
const MAX_TAGLINE_CHARS = 120;
/** Below this share of content words already used by the article, a passage is off-topic. */
const MIN_TOPIC_OVERLAP = 0.2;
/** An article whose paragraphs are at least this often in the first/second person is itself conversational (a blog post). */
const CONVERSATIONAL_ARTICLE_SHARE = 0.3;
/** More short lines in a row than this are not a sub-heading or a list inside the article. */
const MAX_GAP_PARAGRAPHS = 80;
/** Unsigned replies right after the article are one or a few paragraphs. */
const MAX_TRAILING_REPLIES = 5;

/**
 * Index of the article's first paragraph: the first paragraph of article prose, unless it is a short sentence
 * alone before a headline and more prose (a site tagline above the title); -1 if there is none.
 */
export function findArticleStart(paragraphs: Paragraph[]): number {
  let first = -1;
  for (let index = 0; index < paragraphs.length; index++) {
    if (!isArticleProse(paragraphs[index]!)) continue;
    if (first < 0) first = index;
    if (!isTaglineBeforeTitle(paragraphs, index)) return index;
  }
  return first;
}

function isTaglineBeforeTitle(paragraphs: Paragraph[], index: number): boolean {
  const [tagline, title, lead] = [paragraphs[index]!, paragraphs[index + 1], paragraphs[index + 2]];
  return (
    tagline.text.length < MAX_TAGLINE_CHARS &&
    !!title &&
    title.lines.length === 1 &&
    isTitleLike(title.text) &&
    !isArticleProse(title) &&
    !!lead &&
    isArticleProse(lead)
  );
}

/**
 * The article from `start`: prose paragraphs, and runs of short lines (sub-headings, list items, captions) when
 * more article follows them. It ends at a comment marker or site furniture, at short lines with no prose after
 * them, or at a change of profile: a user handle, a name line followed by prose that turns conversational and
 * off-topic, or trailing informal, off-topic paragraphs (an unsigned reply). Returns the article and the index after it.
 */
export function readArticle(paragraphs: Paragraph[], start: number): { article: Paragraph[]; end: number } {
  const article: Paragraph[] = [];
  const profile = new ArticleProfile();
  const take = (paragraph: Paragraph): void => {
    article.push(paragraph);
    profile.add(paragraph);
  };
  let index = start;
  while (index < paragraphs.length) {
    if (isArticleProse(paragraphs[index]!)) {
      take(paragraphs[index++]!);
      continue;
    }
    let gapEnd = index;
    while (gapEnd < paragraphs.length && isShortArticleLine(paragraphs[gapEnd]!)) gapEnd++;
    let runEnd = gapEnd;
    while (runEnd < paragraphs.length && isArticleProse(paragraphs[runEnd]!)) runEnd++;
    const gap = paragraphs.slice(index, gapEnd);
    const run = paragraphs.slice(gapEnd, runEnd);
    if (gap.length === 0 || run.length === 0 || gap.length > MAX_GAP_PARAGRAPHS) break;
    if (!continuesArticle(profile, gap, run)) break;
    for (const paragraph of [...gap, ...run]) take(paragraph);
    index = runEnd;
  }
  // Replies cut from the end may leave the short lines before them (a name, a date): those go with the replies.
  let kept = article.length - trailingReplies(article).length;
  while (kept > 1 && !isArticleProse(article[kept - 1]!)) kept--;
  return { article: article.slice(0, kept), end: start + kept };
}

/** A short non-prose line that could belong to the article (a sub-heading, a list item, a dateline under a quoted tweet). */
function isShortArticleLine(paragraph: Paragraph): boolean {
  return !isArticleProse(paragraph) && !isSiteFurniture(paragraph) && !hasCommentMarker(paragraph);
}

function continuesArticle(profile: ArticleProfile, gap: Paragraph[], run: Paragraph[]): boolean {
  if (gap.length === 1 && isHandleLine(gap[0]!.text)) return false;
  if (gap.length > 1 || !isNameLike(gap[0]!.text)) return true;
  // Sub-headings often open a new topic, and articles speak to "you": only a name line, then a turn to the first
  // person, then a new topic say that a reader took over.
  return !(profile.turnsConversational(run[0]!.text) && profile.topicOverlap(run.map((paragraph) => paragraph.text).join(' ')) < MIN_TOPIC_OVERLAP);
}

/** Running figures of the article read so far (voice and vocabulary), so each decision costs only the text it looks at. */
class ArticleProfile {
  private paragraphs = 0;
  private inVoice = 0;
  private readonly vocabulary = new Set<string>();

  constructor(private readonly isVoice: (text: string) => boolean = isConversational) {}

  add(paragraph: Paragraph): void {
    this.paragraphs++;
    if (this.isVoice(paragraph.text)) this.inVoice++;
    for (const word of contentWords(paragraph.text)) this.vocabulary.add(word);
  }

  /** `text` speaks in the voice that the article mostly does not. */
  turnsConversational(text: string): boolean {
    return this.inVoice < this.paragraphs * CONVERSATIONAL_ARTICLE_SHARE && this.isVoice(text);
  }

  /** Share of the content words of `text` that the article already uses (1 while the article is too short to tell). */
  topicOverlap(text: string): number {
    const words = contentWords(text);
    if (words.length === 0 || this.vocabulary.size < MIN_TOPIC_VOCABULARY) return 1;
    return words.filter((word) => this.vocabulary.has(word)).length / words.length;
  }
}

/**
 * The trailing paragraphs of the article that read like unsigned replies: informal while the article is not, and
 * sharing few content words with it (comments often start with no name line right after the article). At most a
 * few: a longer informal tail is the article's own voice.
 */
function trailingReplies(article: Paragraph[]): Paragraph[] {
  let kept = article.length;
  while (kept > 1 && article.length - kept < MAX_TRAILING_REPLIES) {
    const profile = new ArticleProfile(isInformal);
    for (const paragraph of article.slice(0, kept - 1)) profile.add(paragraph);
    const last = article[kept - 1]!.text;
    if (!profile.turnsConversational(last) || profile.topicOverlap(last) >= MIN_TOPIC_OVERLAP) break;
    kept--;
  }
  return article.slice(kept);
}
