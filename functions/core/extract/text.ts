import { InputRejected, REJECT_CODES } from '../errors.ts';
import type { ExtractedPage } from '../types.ts';
import { findArticleStart, readArticle } from './text-article.ts';
import { trailingCommentsStart } from './trailing-comments.ts';
import { isProse, isTitleLike, wordCount } from './text-lines.ts';
import { isBoilerplate, joinParagraphs, splitParagraphs, type Paragraph } from './text-units.ts';

/**
 * The article of a plain-text scrape: header lines, title, article paragraphs, then comments and footer.
 *
 * Heuristic, in order:
 * 1. Paragraphs are split on blank lines, and short lines stand alone even without blank lines (text-units.ts).
 * 2. Header: everything before the first prose paragraph that opens a run of article prose. Whatever the header
 *    holds (site name, "Home | News | About", "Posted by admin", "By Jane Doe", "Share this:", dates, categories,
 *    a one-sentence tagline), it stays out of mainText. The title is its longest headline-like line that is not
 *    furniture.
 * 3. The article is the run of prose paragraphs from there. Short lines inside it (sub-headings, list items)
 *    belong to it when on-topic prose of the same profile follows them. It ends at a comment marker (name +
 *    timestamp, "Reply", "N comments", "x says:"), at site furniture (share bars, "Related posts", copyright), or
 *    at a change of profile: a user handle, conversational or off-topic text after short lines, or trailing
 *    conversational, off-topic paragraphs (an unsigned reply) (text-article.ts), or at a trailing run of short
 *    paragraphs in a reader's voice with no marker at all (trailing-comments.ts, shared with the HTML extraction).
 * 4. After the article: furniture is boilerplate, everything else is comments.
 * So a repost of the same article under other headers, footers and comments gives the same mainText.
 */
export function extractFromText(text: string): ExtractedPage {
  const paragraphs = splitParagraphs(text);
  if (paragraphs.length === 0) throw new InputRejected(REJECT_CODES.noText, 'text page has no visible text');

  const start = findArticleStart(paragraphs);
  const headerEnd = start < 0 ? leadingBoilerplateEnd(paragraphs) : start;
  const header = paragraphs.slice(0, headerEnd);
  const { article: read, end: readEnd } = start < 0 ? { article: [], end: headerEnd } : readArticle(paragraphs, start);
  // Unsigned replies with no marker at all, past what readArticle's profile checks cut (trailing-comments.ts).
  const repliesStart = trailingCommentsStart(read.map((paragraph) => paragraph.text));
  const article = read.slice(0, repliesStart);
  const end = readEnd - (read.length - repliesStart);

  const title = start < 0 ? null : titleOf(header);
  const tail = paragraphs.slice(end);
  const comments = tail.filter((paragraph) => !isBoilerplate(paragraph));
  const boilerplate = [...header.filter((paragraph) => paragraph !== title), ...tail.filter(isBoilerplate)];

  // No article run (e.g. a page of short lines): keep every non-boilerplate paragraph rather than nothing.
  const main = article.length > 0 ? article : comments.splice(0);
  if (main.length === 0) throw new InputRejected(REJECT_CODES.noText, 'text page has no article text, only headers and navigation');

  const mainText = joinParagraphs(main);
  const commentsText = joinParagraphs(comments);
  return {
    title: title?.text ?? null,
    canonicalUrl: null,
    mainText,
    commentsCut: commentsText.length,
    boilerplateCut: joinParagraphs(boilerplate).length,
    commentsText,
  };
}

/** The longest headline-like header line that is not site furniture (ties: the later one, nearer the article). */
function titleOf(header: Paragraph[]): Paragraph | null {
  let best: Paragraph | null = null;
  for (const paragraph of header) {
    if (paragraph.lines.length !== 1 || isBoilerplate(paragraph) || !isTitleLike(paragraph.text) || isProse(paragraph.text)) continue;
    if (best === null || wordCount(paragraph.text) >= wordCount(best.text)) best = paragraph;
  }
  return best;
}

/** Without any prose, the leading furniture lines are the header. */
function leadingBoilerplateEnd(paragraphs: Paragraph[]): number {
  const index = paragraphs.findIndex((paragraph) => !isBoilerplate(paragraph));
  return index < 0 ? paragraphs.length : index;
}
