/**
 * Which extraction a page can afford, decided from a pre-scan of its markup before any DOM is built (issue 12).
 *
 * The pre-scan (`measureMarkupNesting`: one linear pass with an O(1) stack) counts the elements the parser would
 * build and the parser work its nesting costs. Then:
 * - `dom`: linkedom + Readability (the quality path), for pages up to `maxDomElements` elements and
 *   `maxDomHtmlChars` characters, which covers every real page of the corpus several times over;
 * - `streaming`: `extractStreaming` (extract/streaming.ts), for larger pages: linear time, only the text held;
 * - rejected as `too-complex`, with the measure that decided, when even the streaming parser would exhaust the time
 *   budget: more than `maxStreamingElements` elements (only gzip-inflated pages get there), nesting deeper than
 *   `maxHtmlDepth`, or so deep so often that htmlparser2's stack (shared by both paths, quadratic in depth) would
 *   move more than MAX_PARSE_WORK slots.
 */
import type { CoreConfig } from './config.ts';
import { InputRejected, REJECT_CODES } from './errors.ts';
import { measureMarkupNesting } from './extract/depth.ts';
import { MAX_PARSE_WORK } from './html.ts';

export type ExtractionPath = 'dom' | 'streaming';

export interface ExtractionPlan {
  path: ExtractionPath;
  /** Why the page does not take the DOM path (null when it does). */
  reason: string | null;
  htmlChars: number;
  elements: number;
  maxDepth: number;
}

export function planExtraction(html: string, config: Pick<CoreConfig, 'maxHtmlDepth' | 'maxDomElements' | 'maxDomHtmlChars' | 'maxStreamingElements'>): ExtractionPlan {
  const nesting = measureMarkupNesting(html, { maxDepth: config.maxHtmlDepth, maxWork: MAX_PARSE_WORK });
  if (nesting.overLimit) {
    const measure =
      nesting.maxDepth > config.maxHtmlDepth
        ? `nested deeper than ${config.maxHtmlDepth} levels (maxHtmlDepth)`
        : `nested too deeply too often: over ${MAX_PARSE_WORK} parser stack moves (deepest ${nesting.maxDepth} levels, ${nesting.elements} elements by then)`;
    throw new InputRejected(REJECT_CODES.tooComplex, `HTML of ${html.length} characters is ${measure}`);
  }
  if (nesting.elements > config.maxStreamingElements) {
    throw new InputRejected(REJECT_CODES.tooComplex, `HTML of ${html.length} characters holds ${nesting.elements} elements, over maxStreamingElements ${config.maxStreamingElements}`);
  }
  const measures = { htmlChars: html.length, elements: nesting.elements, maxDepth: nesting.maxDepth };
  let reason: string | null = null;
  if (nesting.elements > config.maxDomElements) reason = `${nesting.elements} elements, over maxDomElements ${config.maxDomElements}`;
  else if (html.length > config.maxDomHtmlChars) reason = `${html.length} characters of HTML, over maxDomHtmlChars ${config.maxDomHtmlChars}`;
  return { path: reason ? 'streaming' : 'dom', reason, ...measures };
}
