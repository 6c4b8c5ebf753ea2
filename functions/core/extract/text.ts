import { InputRejected, REJECT_CODES } from '../errors.ts';
import type { ExtractedPage } from '../types.ts';
import { contentWords, isCommentMarker, isConversational, isDateLine, isNavLine, isProse, isTitleLike } from './text-lines.ts';

/**
 * The article of a plain-text scrape (header line, title, article paragraphs, then comments and footer).
 *
 * Heuristic, in order:
 * 1. Paragraphs are split on blank lines. Leading datelines ("JUNE 2021") and nav lines are header boilerplate;
 *    the first headline-like line before any prose is the title.
 * 2. The article is the run of prose paragraphs after the title. It ends at the first paragraph that is not
 *    prose: a comment marker (name + timestamp, "Reply", "N comments"), a nav/share/copyright line, a dateline,
 *    or a short line such as a commenter's name alone.
 * 3. Comments often start with an unsigned reply right after the article. Trailing paragraphs of the run that
 *    are conversational (I/you/we, contractions) AND share few content words with the article before them
 *    are moved to the comments.
 * 4. After the article: nav/footer lines are boilerplate, everything else is comments.
 * So a repost of the same article under other headers, footers and comments gives the same mainText.
 */

/** Below this share of content words already used by the article, a conversational trailing paragraph is off-topic. */
const MIN_TOPIC_OVERLAP = 0.2;

interface Paragraph {
  text: string;
  /** The paragraph's lines; markers like "name Month D, YYYY at HH:MM" sit on a line of their own. */
  lines: string[];
}

export function extractFromText(text: string): ExtractedPage {
  const paragraphs = splitParagraphs(text);
  if (paragraphs.length === 0) throw new InputRejected(REJECT_CODES.noText, 'text page has no visible text');

  let index = 0;
  let title: string | null = null;
  const header: Paragraph[] = [];
  for (; index < paragraphs.length; index++) {
    const paragraph = paragraphs[index]!;
    if (isBoilerplate(paragraph)) {
      header.push(paragraph);
      continue;
    }
    if (title === null && paragraph.lines.length === 1 && isTitleLike(paragraph.text) && !isProse(paragraph.text)) {
      title = paragraph.text;
      continue;
    }
    break;
  }

  const article: Paragraph[] = [];
  for (; index < paragraphs.length; index++) {
    const paragraph = paragraphs[index]!;
    if (!isProse(paragraph.text) || isBoilerplate(paragraph) || paragraph.lines.some(isCommentMarker)) break;
    article.push(paragraph);
  }
  const unsigned = trailingReplies(article, title);
  const tail = [...unsigned, ...paragraphs.slice(index)];
  const comments = tail.filter((paragraph) => !isBoilerplate(paragraph));
  const footer = tail.filter(isBoilerplate);

  // No article run (e.g. a page of short lines): keep every non-boilerplate paragraph rather than nothing.
  const main = article.length > 0 ? article : comments.splice(0);
  if (main.length === 0) throw new InputRejected(REJECT_CODES.noText, 'text page has no article text, only headers and navigation');

  const mainText = joinParagraphs(main);
  const commentsText = joinParagraphs(comments);
  const boilerplateText = joinParagraphs([...header, ...footer]);
  return {
    title,
    canonicalUrl: null,
    mainText,
    commentsCut: commentsText.length,
    boilerplateCut: boilerplateText.length,
    commentsText,
  };
}

function splitParagraphs(text: string): Paragraph[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00a0]*\n/)
    .map((chunk) => chunk.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({ lines, text: lines.join(' ') }));
}

function isBoilerplate(paragraph: Paragraph): boolean {
  return paragraph.lines.every((line) => isNavLine(line) || (isDateLine(line) && !isCommentMarker(line)));
}

/** Removes and returns the trailing paragraphs of the article that read like unsigned, off-topic replies. */
function trailingReplies(article: Paragraph[], title: string | null): Paragraph[] {
  const removed: Paragraph[] = [];
  while (article.length > 1) {
    const last = article.at(-1)!;
    if (!isConversational(last.text)) break;
    const vocabulary = new Set(contentWords([title ?? '', ...article.slice(0, -1).map((paragraph) => paragraph.text)].join(' ')));
    const words = contentWords(last.text);
    const shared = words.filter((word) => vocabulary.has(word)).length;
    if (words.length > 0 && shared / words.length >= MIN_TOPIC_OVERLAP) break;
    removed.unshift(article.pop()!);
  }
  return removed;
}

function joinParagraphs(paragraphs: Paragraph[]): string {
  return paragraphs.map((paragraph) => paragraph.text).join('\n\n');
}
