import { parseHTML } from 'linkedom';
import { CORE_DEFAULTS, type CoreConfig } from './config.ts';
import { InputRejected, REJECT_CODES } from './errors.ts';
import { measureMarkupNesting } from './extract/depth.ts';

/**
 * Parser work (stack slots moved, see depth.ts) allowed for one page: ~0.5 s. A real 16 MB page (a million tags
 * ~30 deep) needs under a tenth of it; a tower of 20,000 nested elements 0.4 of it.
 */
export const MAX_PARSE_WORK = 1_000_000_000;

/**
 * Parse an HTML string into a DOM Document (linkedom: fast, no browser). The document always has a
 * `documentElement` and a `body`.
 * linkedom, unlike a browser, does not build a body for markup without explicit `<html>...<head>...<body>`
 * (fragments, pages missing their head), and builds no element at all for text without markup: the text ends up
 * outside `document.body`. Such input is re-parsed inside a complete skeleton, so the visible text is always under
 * the body.
 * Markup nested deeper than `maxHtmlDepth` (or so deep and long that parsing it would take seconds) is rejected
 * as `unsupported` before it is parsed.
 */
export function parseHtml(html: string, config: Partial<Pick<CoreConfig, 'maxHtmlDepth'>> = {}): Document {
  rejectDeepNesting(html, config.maxHtmlDepth ?? CORE_DEFAULTS.maxHtmlDepth);
  return parseMeasuredHtml(html);
}

/**
 * parseHtml without the nesting check, for markup already measured by the same scan under the same limits
 * (analyze.ts: planExtraction measured the page; a prefix of it nests no deeper), so a page is not scanned twice.
 */
export function parseMeasuredHtml(html: string): Document {
  const document = parseHTML(html).document as unknown as Document;
  if (bodyHasContent(document) || (hasBody(document) && !hasVisibleText(html))) return document;
  const inner = html.replace(/<!doctype[^>]*>|<\/?(?:html|head|body)\b[^>]*>/gi, '');
  return parseHTML(`<!doctype html><html><head></head><body>${inner}</body></html>`).document as unknown as Document;
}

function rejectDeepNesting(html: string, maxDepth: number): void {
  const nesting = measureMarkupNesting(html, { maxDepth, maxWork: MAX_PARSE_WORK });
  if (!nesting.overLimit) return;
  const reason =
    nesting.maxDepth > maxDepth
      ? `HTML nested deeper than ${maxDepth} levels`
      : `HTML nested too deeply too often to parse in time (over ${MAX_PARSE_WORK} parser stack moves, deepest ${nesting.maxDepth} levels)`;
  throw new InputRejected(REJECT_CODES.unsupported, reason);
}

/** linkedom's `document.body` getter throws when there is no `documentElement` (text without markup): test that first. */
function hasBody(document: Document): boolean {
  return document.documentElement !== null && document.body !== null;
}

function bodyHasContent(document: Document): boolean {
  return hasBody(document) && (document.body.firstElementChild !== null || (document.body.textContent ?? '').trim() !== '');
}

function hasVisibleText(html: string): boolean {
  return /[^\s<>]/.test(html.replace(/<(script|style)\b[\s\S]*?<\/\1>|<[^>]*>/gi, ''));
}
