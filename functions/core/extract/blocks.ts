/**
 * DOM -> text as paragraphs: every block element (p, div, li, h1..h6, br, ...) ends a paragraph,
 * whitespace inside a paragraph collapses to single spaces, paragraphs are joined by blank lines.
 * (`textContent` would glue "end.</p><p>Start" into "end.Start", which breaks word shingles.)
 */

export const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'CAPTION', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET',
  'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN',
  'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
]);

/** Never visible as text. */
export const INVISIBLE_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'CANVAS', 'HEAD', 'SELECT', 'TITLE']);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** A paragraph of visible text and the region it was found in (see `regionOf`). */
export interface Block<Region extends string> {
  text: string;
  region: Region | null;
}

/**
 * Paragraphs under `root`, each tagged with the region of its nearest classified ancestor.
 * `regionOf` returns a region for an element (inherited by everything inside it), `'skip'` to drop it, or null.
 */
export function collectBlocks<Region extends string>(
  root: Node,
  regionOf: (element: Element) => Region | 'skip' | null = () => null,
): Block<Region>[] {
  const blocks: Block<Region>[] = [];
  let pending = '';
  let pendingRegion: Region | null = null;

  const flush = (): void => {
    const text = pending.replace(/\s+/g, ' ').trim();
    if (text) blocks.push({ text, region: pendingRegion });
    pending = '';
  };

  // Depth-first walk with an explicit stack (no recursion: a 10,000-level page must not overflow the call stack).
  // Each frame is an element being read: its next child to visit, its region, and whether it ends a paragraph.
  const frames: { next: Node | null; region: Region | null; isBlock: boolean }[] = [{ next: root.firstChild, region: null, isBlock: false }];
  while (frames.length > 0) {
    const frame = frames.at(-1)!;
    const child = frame.next;
    if (!child) {
      frames.pop();
      if (frame.isBlock) flush();
      continue;
    }
    frame.next = child.nextSibling;
    if (child.nodeType === TEXT_NODE) {
      if (!pending) pendingRegion = frame.region;
      pending += child.nodeValue ?? '';
      continue;
    }
    if (child.nodeType !== ELEMENT_NODE) continue;
    const element = child as Element;
    if (INVISIBLE_TAGS.has(element.tagName.toUpperCase())) continue;
    const own = regionOf(element);
    if (own === 'skip') continue;
    const childRegion = own ?? frame.region;
    const isBlock = BLOCK_TAGS.has(element.tagName.toUpperCase()) || childRegion !== frame.region;
    if (isBlock) flush();
    frames.push({ next: element.firstChild, region: childRegion, isBlock });
  }
  flush();
  return blocks;
}

export function joinBlocks(blocks: { text: string }[]): string {
  return blocks.map((block) => block.text).join('\n\n');
}

export function blockText(root: Node): string {
  return joinBlocks(collectBlocks(root));
}
