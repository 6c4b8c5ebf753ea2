/**
 * Real reader replies, for the unmarked-comment tests: the text of the marked comment sections (findCommentSections)
 * of the corpus pages whose comment section holds English reader comments (a list read off the 178 corpus pages with
 * a comment section; the others hold only forms, moderation notices, teasers or other languages), stripped of everything that marks them as comments (name-and-timestamp lines, "Reply",
 * comment forms), so that appended to another page's article they are bare paragraphs. English only (the generated
 * replies are English too), grouped by the page they come from so that folds never share a page. Read at run time;
 * nothing is copied into the project.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { collectBlocks } from '../../functions/core/extract/blocks.ts';
import { findCommentSections } from '../../functions/core/extract/comments.ts';
import { isCommentMarker } from '../../functions/core/extract/text-lines.ts';
import { parseHtml } from '../../functions/core/html.ts';
import { corpusPath } from './corpus.ts';

export interface ReplySource {
  /** The corpus page the replies were read from. */
  page: string;
  replies: string[];
}

const PAGES_WITH_REPLIES = [
  'article-extraction-benchmark/html/232a43fb15abde807427b2a7bf4f772e27b8760554370956d8291df4e8166dbf.html.gz',
  'article-extraction-benchmark/html/8e3efab59f48fd29a1e1e7aa135880c4251a9f090f94999668cdbaec59d30b5a.html.gz',
  'article-extraction-benchmark/html/ac3c035520461017a7c5b248d8e39ef063cad4c0c7d7b7ecd68aff8f15099485.html.gz',
  'article-extraction-benchmark/html/c582d3b772578e8feaa3cfd8f5ae8100bb6f0bc66048204a9a398395841c1164.html.gz',
  'article-extraction-benchmark/html/ec7fc408c5ce66c22692a3f696c682f3de794bacfaca405d9a0dac5957051e5a.html.gz',
  'trafilatura/cache/blog.wordpress.com.diverse.html',
  'trafilatura/cache/lemire.me.json.html',
  'trafilatura/cache/luxuryhaven.co.hyatt.html',
  'trafilatura/cache/spektrum.de.engelbart.html',
  'trafilatura/eval/californiaglobe.com.amazon.html',
  'trafilatura/eval/elavegan.com-Peanut.html',
  'trafilatura/eval/thenervousbreakdown.com.loneliest.html',
  'htmldate/cache/blog.wikimedia.interactivemaps.html',
  'htmldate/eval/foxyfolksy.com.buttercream.html',
  'htmldate/eval/zulang.wordpress.com.genitalverstuemmelung.html',
  'htmldate/test_set/1487058344.html',
];
/** Comment-form and moderation text, not a reader's words. */
const FORM_TEXT = /\b(?:e-?mail|log(?:ged)? ?in|sign ?in|required|notify|website|cancel|comment(?:s|ing)? (?:policy|guidelines|will|are)|moderat|captcha|community (?:standards|guidelines)|your comment|post a comment|leave a (?:reply|comment)|characters? (?:left|remaining)|reply to this)\b/i;
const ENGLISH_WORDS = /\b(?:the|and|is|was|that|this|it|to|of|you|for|not|but|have|with|are)\b/gi;
const MIN_WORDS = 4;
const MAX_WORDS = 120;
/** Fewest usable replies for a page to count as a source (a check that the list above still reads as it did). */
const MIN_REPLIES = 3;

let cached: ReplySource[] | undefined;

/** Per corpus page with at least MIN_REPLIES usable English replies: those replies, in page order. */
export function realReplySources(): ReplySource[] {
  if (cached) return cached;
  const sources: ReplySource[] = [];
  for (const page of PAGES_WITH_REPLIES) {
    let bytes = readFileSync(corpusPath(page));
    if (page.endsWith('.gz')) bytes = gunzipSync(bytes);
    const replies = commentParagraphs(bytes.toString('utf8')).filter(isBareReply);
    if (replies.length >= MIN_REPLIES) sources.push({ page, replies });
  }
  cached = sources;
  return sources;
}

function commentParagraphs(html: string): string[] {
  let document: Document;
  try {
    document = parseHtml(html);
  } catch {
    return [];
  }
  const body = document.body;
  if (!body) return [];
  const sections = new Set(findCommentSections(body, (body.textContent ?? '').length));
  if (sections.size === 0) return [];
  return collectBlocks(body, (element) => (sections.has(element) ? 'comments' : null))
    .filter((block) => block.region === 'comments')
    .flatMap((block) => block.text.split(/\n+/))
    .map((line) => line.replace(/\s+/g, ' ').trim());
}

/** A reader's own words: a sentence or more, no marker, no form text, English. */
function isBareReply(paragraph: string): boolean {
  const words = paragraph.split(' ').length;
  if (words < MIN_WORDS || words > MAX_WORDS || isCommentMarker(paragraph) || FORM_TEXT.test(paragraph)) return false;
  return (paragraph.match(ENGLISH_WORDS)?.length ?? 0) >= Math.max(1, words * 0.12);
}
