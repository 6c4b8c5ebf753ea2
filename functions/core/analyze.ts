import { resolveCoreConfig, type CoreConfig } from './config.ts';
import { findClaimedDate, findContentDates, judgeDates } from './dates/index.ts';
import { extractFromHtml, extractFromText } from './extract.ts';
import { extractLargeHtml, htmlHead } from './extract/streaming.ts';
import { fingerprintText } from './fingerprint.ts';
import { parseMeasuredHtml } from './html.ts';
import { planExtraction, type ExtractionPath } from './plan.ts';
import { readPage } from './read.ts';
import type { ExtractedPage, InputHints, PageAnalysis } from './types.ts';

/**
 * The whole pure pipeline for one page: bytes -> text -> article -> fingerprint + dates.
 * Throws InputRejected for input that can never be analyzed; nothing else is expected to throw.
 */
export function analyzePage(bytes: Uint8Array, hints: InputHints = {}, overrides: Partial<CoreConfig> = {}): PageAnalysis {
  const config = resolveCoreConfig(overrides);
  const page = readPage(bytes, hints, config);

  let extracted: ExtractedPage;
  let claimedDate;
  let extraction: ExtractionPath | 'text' = 'text';
  // Large HTML: decided from a pre-scan before any DOM is built (plan.ts); too complex for any path: InputRejected.
  const plan = page.kind === 'html' ? planExtraction(page.text, config) : null;
  if (plan?.path === 'streaming') {
    extraction = 'streaming';
    const head = htmlHead(page.text, config.streamingHeadChars);
    const headDocument = parseMeasuredHtml(head);
    claimedDate = findClaimedDate({ document: headDocument, text: head, url: hints.url, objectKey: hints.fileName, metadata: hints.metadata });
    extracted = extractLargeHtml(page.text, headDocument, { url: hints.url, fileName: hints.fileName });
  } else if (page.kind === 'html') {
    extraction = 'dom';
    const document = parseMeasuredHtml(page.text);
    // Dates first: Readability rewrites the document it is given.
    claimedDate = findClaimedDate({ document, text: page.text, url: hints.url, objectKey: hints.fileName, metadata: hints.metadata });
    extracted = extractFromHtml(document, { url: hints.url, fileName: hints.fileName, maxReadabilityDepth: config.maxReadabilityDepth });
  } else {
    claimedDate = findClaimedDate({ text: page.text, url: hints.url, objectKey: hints.fileName, metadata: hints.metadata });
    extracted = extractFromText(page.text);
  }

  const fingerprint = fingerprintText(extracted.mainText);
  const contentDates = findContentDates(extracted.mainText, extracted.commentsText);
  const verdict = judgeDates(claimedDate, contentDates, config);

  return {
    kind: page.kind,
    charset: page.charset,
    compressed: page.compressed,
    inputBytes: page.inputBytes,
    title: extracted.title,
    canonicalUrl: extracted.canonicalUrl ?? hints.url ?? null,
    mainTextChars: extracted.mainText.length,
    commentsCut: extracted.commentsCut,
    boilerplateCut: extracted.boilerplateCut,
    extraction,
    ...fingerprint,
    claimedDate,
    contentDates,
    ...verdict,
  };
}
