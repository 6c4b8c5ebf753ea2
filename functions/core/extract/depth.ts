/**
 * How deeply a page nests, measured without recursion (a 10,000-level page must not overflow the call stack).
 *
 * Two measures, because nesting costs in two places:
 * - `measureMarkupNesting` reads the markup before it is parsed. linkedom's parser (htmlparser2) keeps its stack of
 *   open elements in an array it `unshift`s and `shift`s, so every tag costs time in proportion to the current depth:
 *   parsing a tower of N nested elements is quadratic (40,000 levels: 0.8 s; 80,000: 9 s). The scan mirrors the
 *   parser's stack rules (void elements, implied closes, raw-text elements) with an O(1) stack, and stops early.
 * - `maxElementDepth` measures the parsed DOM, to keep Readability (super-linear in depth) off deep documents.
 */

/** Elements that never hold children (htmlparser2's list). */
const VOID_ELEMENTS = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen',
  'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

/** Elements whose content is raw text up to their own end tag (htmlparser2's "special" tags). */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'textarea', 'xmp']);

/** Elements in which `<x/>` closes itself (foreign content); elsewhere htmlparser2 ignores the slash. */
const FOREIGN_ELEMENTS = new Set(['svg', 'math']);

const P_ONLY = new Set(['p']);
const FORM_TAGS = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const P_CLOSERS = [
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul',
];

/** Open tag -> open elements it closes first, while they are on top of the stack (htmlparser2's `openImpliesClose`). */
const IMPLIED_CLOSES = new Map<string, Set<string>>([
  ...P_CLOSERS.map((tag): [string, Set<string>] => [tag, P_ONLY]),
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((tag): [string, Set<string>] => [tag, FORM_TAGS]),
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
]);

export interface MarkupNesting {
  /** Deepest stack of open elements the parser will hold (the scan stops once past the limit given). */
  maxDepth: number;
  /** Stack slots the parser moves: the sum of the stack depth at every push, pop and unmatched end tag. */
  work: number;
  /** True when the scan stopped early because `maxDepth` or `work` passed its limit. */
  overLimit: boolean;
  /** Elements the parser will build (start tags, void ones included), counted up to where the scan stopped. */
  elements: number;
}

const TAG_START = /<(?:(!--)|(\/?)([a-zA-Z][^\s/>]*))/g;

/** The nesting htmlparser2 will build from `html`, scanning at most until `limits` are passed. */
export function measureMarkupNesting(html: string, limits: { maxDepth: number; maxWork: number }): MarkupNesting {
  const stack: string[] = [];
  /** How many elements of each name are open, so an end tag with no open element is skipped without a search. */
  const openCounts = new Map<string, number>();
  let foreignOpen = 0;
  let maxDepth = 0;
  let work = 0;
  let elements = 0;

  const push = (name: string): void => {
    stack.push(name);
    openCounts.set(name, (openCounts.get(name) ?? 0) + 1);
    if (FOREIGN_ELEMENTS.has(name)) foreignOpen++;
    work += stack.length;
    maxDepth = Math.max(maxDepth, stack.length);
  };
  const pop = (): string => {
    work += stack.length;
    const name = stack.pop()!;
    openCounts.set(name, openCounts.get(name)! - 1);
    if (FOREIGN_ELEMENTS.has(name)) foreignOpen--;
    return name;
  };
  const overLimit = (): boolean => maxDepth > limits.maxDepth || work > limits.maxWork;

  TAG_START.lastIndex = 0;
  for (let match = TAG_START.exec(html); match; match = TAG_START.exec(html)) {
    const tagEnd = html.indexOf('>', TAG_START.lastIndex);
    if (tagEnd < 0) break;
    if (match[1]) {
      const commentEnd = html.indexOf('-->', match.index + 4);
      if (commentEnd < 0) break;
      TAG_START.lastIndex = commentEnd + 3;
      continue;
    }
    TAG_START.lastIndex = tagEnd + 1;
    const name = match[3]!.toLowerCase();
    if (match[2]) {
      if (VOID_ELEMENTS.has(name)) continue;
      if ((openCounts.get(name) ?? 0) === 0) work += stack.length;
      else while (pop() !== name);
      if (overLimit()) return { maxDepth, work, overLimit: true, elements };
      continue;
    }
    elements++;
    const closes = IMPLIED_CLOSES.get(name);
    while (closes && stack.length > 0 && closes.has(stack.at(-1)!)) pop();
    if (VOID_ELEMENTS.has(name)) continue;
    push(name);
    if (overLimit()) return { maxDepth, work, overLimit: true, elements };
    if (foreignOpen > 0 && html[tagEnd - 1] === '/') pop();
    else if (RAW_TEXT_ELEMENTS.has(name)) TAG_START.lastIndex = rawTextEnd(html, name, TAG_START.lastIndex);
  }
  return { maxDepth, work, overLimit: false, elements };
}

/** Where the raw text of a `<script>`, `<style>`, ... that starts at `from` ends (its end tag is read next). */
function rawTextEnd(html: string, name: string, from: number): number {
  const endTag = new RegExp(`</${name}`, 'gi');
  endTag.lastIndex = from;
  return endTag.exec(html)?.index ?? html.length;
}

/** Levels of elements from `root` (1 for an element without element children), walked with an explicit stack. */
export function maxElementDepth(root: Element): number {
  let deepest = 0;
  const pending: [Element, number][] = [[root, 1]];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    const [element, depth] = entry;
    deepest = Math.max(deepest, depth);
    for (let child = element.firstElementChild; child; child = child.nextElementSibling) pending.push([child, depth + 1]);
  }
  return deepest;
}
