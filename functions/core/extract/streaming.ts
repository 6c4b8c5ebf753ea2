/**
 * The cheap extraction path for very large pages (chosen by functions/core/plan.ts before any DOM is built):
 * htmlparser2's tokenizer and tag-balancing, the same parser linkedom uses, but driven as a SAX stream, so no node is
 * ever kept. Memory is the page's visible text plus a stack of the open elements; time is linear in the markup.
 *
 * What it keeps is what `extractFromHtml`'s fallback keeps (visible block text minus nav/header/footer/aside/form/menu,
 * landmark roles and reader-comment sections, which are counted apart; but a `<form>` right under `<body>` is the
 * page wrapper of ASP.NET WebForms sites, not a form), plus two boilerplate heuristics Readability would otherwise
 * supply:
 * - link density: a paragraph whose text is mostly link text (menus, tag clouds, "related" lists) is boilerplate;
 * - a main container: when the page marks one (`<article>`, `<main>`, `role="main"`, `itemprop="articleBody"`) and
 *   it holds enough of the text, only the paragraphs inside it are the article.
 * Its F1 on the article-extraction benchmark, forced through this path, is in the README (test/core/extract-streaming.test.ts).
 */
import { Parser } from 'htmlparser2';
import { InputRejected, REJECT_CODES } from '../errors.ts';
import type { ExtractedPage } from '../types.ts';
import { BLOCK_TAGS, INVISIBLE_TAGS } from './blocks.ts';
import { isCommentElement } from './comments.ts';
import { readPageMetadata } from './metadata.ts';

/** The block elements of blocks.ts, in lower case as htmlparser2 reports names. */
const BLOCK = new Set([...BLOCK_TAGS].map((tag) => tag.toLowerCase()));
const INVISIBLE = new Set([...INVISIBLE_TAGS].map((tag) => tag.toLowerCase()));
const CHROME_TAGS = new Set(['nav', 'header', 'footer', 'aside', 'form', 'menu']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search']);

/** A paragraph with more than this share of its characters inside links is navigation, not prose. */
export const MAX_LINK_DENSITY = 0.5;
/** The marked main container is the article when it holds at least this share of the kept text (and MIN_MAIN_CHARS). */
const MIN_MAIN_SHARE = 0.2;
const MIN_MAIN_CHARS = 200;

type Region = 'comments' | 'chrome';

interface Frame {
  name: string;
  region: Region | null;
  invisible: boolean;
  isBlock: boolean;
  link: boolean;
  main: boolean;
}

/**
 * Paragraphs joined by blank lines, built from millions of small pieces without one object per piece held to the end
 * (every few thousand pieces are joined into one chunk; the chunks are joined once, at the end).
 */
class TextSink {
  private chunks: string[] = [];
  private parts: string[] = [];
  chars = 0;
  add(text: string): void {
    if (this.chars > 0) {
      this.parts.push('\n\n');
      this.chars += 2;
    }
    this.parts.push(text);
    this.chars += text.length;
    if (this.parts.length >= 4096) {
      this.chunks.push(this.parts.join(''));
      this.parts = [];
    }
  }
  text(): string {
    return this.chunks.join('') + this.parts.join('');
  }
}

export interface StreamingExtract {
  mainText: string;
  commentsText: string;
  commentsCut: number;
  boilerplateCut: number;
  /** Elements the parser opened (each seen once and dropped). */
  elements: number;
}

/** `isCommentElement` on a tag's attributes (only when it has any it reads: most tags have none). */
function isCommentMarkup(attributes: Record<string, string>): boolean {
  if (attributes.id === undefined && attributes.class === undefined && attributes.itemtype === undefined) return false;
  return isCommentElement(new AttributesElement(attributes) as unknown as Element);
}

class AttributesElement {
  constructor(private readonly attributes: Record<string, string>) {}
  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }
}

export function extractStreaming(html: string): StreamingExtract {
  /** Every kept paragraph in page order, and those inside a marked main container. */
  const kept = new TextSink();
  const inMain = new TextSink();
  const comments = new TextSink();
  let boilerplateChars = 0;
  let elements = 0;

  const stack: Frame[] = [{ name: '#root', region: null, invisible: false, isBlock: false, link: false, main: false }];
  let pending = '';
  let pendingLinkChars = 0;
  let pendingRegion: Region | null = null;
  let pendingMain = false;

  const flush = (): void => {
    if (!pending) return;
    const text = pending.replace(/\s+/g, ' ').trim();
    const linkShare = text ? Math.min(1, pendingLinkChars / text.length) : 0;
    pending = '';
    pendingLinkChars = 0;
    if (!text) return;
    if (pendingRegion === 'comments') comments.add(text);
    else if (pendingRegion === 'chrome' || linkShare > MAX_LINK_DENSITY) boilerplateChars += text.length + 2;
    else {
      kept.add(text);
      if (pendingMain) inMain.add(text);
    }
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        elements++;
        const parent = stack.at(-1)!;
        const role = attributes.role;
        const region: Region | null = isCommentMarkup(attributes)
          ? 'comments'
          : (CHROME_TAGS.has(name) && !(name === 'form' && parent.name === 'body')) || (role !== undefined && CHROME_ROLES.has(role))
            ? 'chrome'
            : null;
        const hidden = attributes.hidden !== undefined || attributes['aria-hidden'] === 'true';
        const frame: Frame = {
          name,
          // As in extractFromHtml: an element's own region wins over its parent's; a hidden one is not classified.
          region: (hidden ? null : region) ?? parent.region,
          invisible: parent.invisible || INVISIBLE.has(name),
          isBlock: false,
          link: parent.link || name === 'a',
          main: parent.main || name === 'article' || name === 'main' || role === 'main' || attributes.itemprop === 'articleBody',
        };
        frame.isBlock = BLOCK.has(name) || frame.region !== parent.region || frame.main !== parent.main;
        if (frame.isBlock && !frame.invisible) flush();
        stack.push(frame);
      },
      onclosetag() {
        const frame = stack.length > 1 ? stack.pop()! : stack[0]!;
        if (frame.isBlock && !frame.invisible) flush();
      },
      ontext(data) {
        const frame = stack.at(-1)!;
        if (frame.invisible) return;
        if (!pending) {
          pendingRegion = frame.region;
          pendingMain = frame.main;
        }
        pending += data;
        if (frame.link) pendingLinkChars += data.replace(/\s+/g, ' ').length;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  flush();

  const mainIsArticle = inMain.chars >= MIN_MAIN_CHARS && inMain.chars >= kept.chars * MIN_MAIN_SHARE;
  // A "comments" wrapper around the article (the DOM path checks for that; a stream cannot): keep its text then.
  if (kept.chars < MIN_MAIN_CHARS && comments.chars > kept.chars) {
    return { mainText: [kept.text(), comments.text()].filter(Boolean).join('\n\n'), commentsText: '', commentsCut: 0, boilerplateCut: boilerplateChars, elements };
  }
  const mainText = (mainIsArticle ? inMain : kept).text();
  return {
    mainText,
    commentsText: comments.text(),
    commentsCut: comments.chars,
    boilerplateCut: boilerplateChars + (mainIsArticle ? kept.chars - inMain.chars : 0),
    elements,
  };
}

/**
 * The first `maxChars` of a page, cut before a tag: parsed into a small DOM for what sits at the top of a page (title,
 * canonical URL, publication meta tags, the dateline), so the streamed page's metadata is read like any other's.
 */
export function htmlHead(html: string, maxChars: number): string {
  if (html.length <= maxChars) return html;
  const cut = html.lastIndexOf('<', maxChars);
  return html.slice(0, cut > 0 ? cut : maxChars);
}

/** A large page's article: metadata from `headDocument` (the DOM of `htmlHead`), the text streamed from `html`. */
export function extractLargeHtml(html: string, headDocument: Document, options: { url?: string; fileName?: string }): ExtractedPage & { elements: number } {
  const metadata = readPageMetadata(headDocument, options.url);
  const streamed = extractStreaming(html);
  if (!streamed.mainText.trim()) throw new InputRejected(REJECT_CODES.noText, `page ${options.fileName ?? options.url ?? '(unnamed)'} has no visible text`);
  return { title: metadata.title, canonicalUrl: metadata.canonicalUrl, ...streamed };
}
