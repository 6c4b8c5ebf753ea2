import { Readability } from '@mozilla/readability';
import { InputRejected, REJECT_CODES } from './errors.ts';
import { CORE_DEFAULTS } from './config.ts';
import { blockText, collectBlocks, joinBlocks, type Block } from './extract/blocks.ts';
import { findCommentSections } from './extract/comments.ts';
import { maxElementDepth } from './extract/depth.ts';
import { readPageMetadata } from './extract/metadata.ts';
import { readArticle } from './extract/text-article.ts';
import { isReplyTail, trailingCommentsStart } from './extract/trailing-comments.ts';
import type { ExtractedPage } from './types.ts';

export { extractFromText } from './extract/text.ts';

type Region = 'comments' | 'chrome';

/** Page furniture that the fallback extraction leaves out. */
const CHROME_TAGS = new Set(['NAV', 'HEADER', 'FOOTER', 'ASIDE', 'FORM', 'MENU']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search']);

/** Readability output shorter than this means a short page (or a fragment): the visible body text is the better answer. */
const MIN_READABLE_CHARS = 140;

export interface HtmlExtractOptions {
  url?: string;
  fileName?: string;
  /** Deepest DOM given to Readability (default CORE_DEFAULTS.maxReadabilityDepth); deeper pages use the fallback. */
  maxReadabilityDepth?: number;
}

/**
 * The article of an HTML page via @mozilla/readability. Comment sections are cut out first (so they can be
 * counted and kept apart); if Readability finds nothing usable, or the page nests deeper than Readability handles
 * in time, the visible body text minus nav/header/footer/aside is the article. Readability rewrites `document`:
 * read anything else from it before calling this.
 */
export function extractFromHtml(document: Document, options: HtmlExtractOptions): ExtractedPage {
  const metadata = readPageMetadata(document, options.url);
  // linkedom's `document.body` throws when there is no documentElement (text parsed without parseHtml).
  const root = document.documentElement;
  const body = root ? (document.body ?? root) : null;
  if (!root || !body) throw new InputRejected(REJECT_CODES.noText, `${describe(options)} has no document body`);

  // Deeper than Readability handles in time: the fallback text only, and no comment-section search either (it reads
  // each candidate's text, which costs the page's size times its depth).
  const shallow = maxElementDepth(root) <= (options.maxReadabilityDepth ?? CORE_DEFAULTS.maxReadabilityDepth);
  const commentSections = new Set(shallow ? findCommentSections(body, (body.textContent ?? '').length) : []);
  const blocks = collectBlocks<Region>(body, (element) => regionOf(element, commentSections));
  const commentBlocks = blocks.filter((block) => block.region === 'comments');
  const commentsText = joinBlocks(commentBlocks);
  const bodyChars = textLength(blocks);
  for (const section of commentSections) section.remove();

  const article = shallow ? new Readability(document, { serializer: (node: Node) => node }).parse() : null;
  let mainText = article?.content ? blockText(article.content) : '';
  const fallbackText = joinBlocks(blocks.filter((block) => block.region === null));
  if (mainText.length < MIN_READABLE_CHARS && fallbackText) mainText = fallbackText;
  if (!mainText.trim()) throw new InputRejected(REJECT_CODES.noText, `${describe(options)} has no visible text`);

  // Comments with no markup at all: plain paragraphs at the end of the article, in a reader's voice.
  const paragraphs = mainText.split('\n\n');
  const repliesStart = trailingCommentsStart(paragraphs.slice(0, articleEnd(paragraphs)));
  const unmarkedComments = paragraphs.slice(repliesStart).join('\n\n');
  mainText = paragraphs.slice(0, repliesStart).join('\n\n');

  const commentsCut = textLength(commentBlocks) + unmarkedComments.length;
  return {
    title: cleanTitle(article?.title) ?? metadata.title,
    canonicalUrl: metadata.canonicalUrl,
    mainText,
    commentsCut,
    boilerplateCut: Math.max(0, bodyChars - mainText.length - commentsCut),
    commentsText: [unmarkedComments, commentsText].filter(Boolean).join('\n\n'),
  };
}

/**
 * Where the plain-text rules would end the article (readArticle: a name line then an off-topic reply, trailing
 * replies), taken only when what they leave out reads like replies (isReplyTail); else the whole text.
 */
function articleEnd(paragraphs: string[]): number {
  const { end } = readArticle(paragraphs.map((text) => ({ text, lines: [text] })), 0);
  return end > 0 && isReplyTail(paragraphs.slice(end)) ? end : paragraphs.length;
}

function regionOf(element: Element, commentSections: Set<Element>): Region | null {
  if (commentSections.has(element)) return 'comments';
  if (element.getAttribute('hidden') !== null || element.getAttribute('aria-hidden') === 'true') return null;
  if (CHROME_TAGS.has(element.tagName.toUpperCase())) return 'chrome';
  const role = element.getAttribute('role');
  return role && CHROME_ROLES.has(role) ? 'chrome' : null;
}

/** Characters of text in blocks, counting the blank line between paragraphs as mainText does. */
function textLength(blocks: Block<Region>[]): number {
  return blocks.reduce((sum, block) => sum + block.text.length, 0) + Math.max(0, blocks.length - 1) * 2;
}

function cleanTitle(title: string | null | undefined): string | null {
  const cleaned = title?.replace(/\s+/g, ' ').trim();
  return cleaned ? cleaned : null;
}

function describe(options: HtmlExtractOptions): string {
  return `page ${options.fileName ?? options.url ?? '(unnamed)'}`;
}
