/**
 * DOM -> text as paragraphs: every block element (p, div, li, h1..h6, br, ...) ends a paragraph,
 * whitespace inside a paragraph collapses to single spaces, paragraphs are joined by blank lines.
 * (`textContent` would glue "end.</p><p>Start" into "end.Start", which breaks word shingles.)
 */

const BLOCK_TAGS = new Set([
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

  const walk = (node: Node, region: Region | null): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === TEXT_NODE) {
        if (!pending) pendingRegion = region;
        pending += child.nodeValue ?? '';
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const element = child as Element;
      if (INVISIBLE_TAGS.has(element.tagName.toUpperCase())) continue;
      const own = regionOf(element);
      if (own === 'skip') continue;
      const childRegion = own ?? region;
      const isBlock = BLOCK_TAGS.has(element.tagName.toUpperCase()) || childRegion !== region;
      if (isBlock) flush();
      walk(element, childRegion);
      if (isBlock) flush();
    }
  };

  walk(root, null);
  flush();
  return blocks;
}

export function joinBlocks(blocks: { text: string }[]): string {
  return blocks.map((block) => block.text).join('\n\n');
}

export function blockText(root: Node): string {
  return joinBlocks(collectBlocks(root));
}
