/** Plain text -> paragraphs, and what each paragraph is (see text.ts for how they are combined). */
import { isCommentMarker, isDateLine, isMetaLine, isNavLine, isProse, isPromoLine } from './text-lines.ts';

export interface Paragraph {
  /** The lines joined by single spaces. */
  text: string;
  /** The paragraph's lines; markers like "name Month D, YYYY at HH:MM" may sit on a line of their own. */
  lines: string[];
}

/** Zero-width spaces and joiners and byte-order marks: lines made only of them are blank. */
const INVISIBLE_CHARACTERS = /[\u200b-\u200d\u2060\ufeff]/g;
/** A hard-wrapped prose line is at least this long; shorter lines (headers, names, headings) stand alone. */
const MIN_WRAPPED_LINE = 40;
/** Lines longer than this are whole paragraphs written on one line, never wrapped text. */
const MAX_WRAPPED_LINE = 100;

/**
 * Paragraphs of a plain-text page. Blank lines always separate paragraphs. Inside a block, a line joins the next one
 * only when it looks hard-wrapped (no line in the block over 100 characters, this one at least 40 and not ending a
 * sentence, or followed by a lower-case continuation); otherwise every line is a paragraph of its own, so "Site name\nHome | News\nPosted by admin"
 * written without blank lines still reads as three header lines.
 */
export function splitParagraphs(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t\u00a0]*\n/)) {
    const lines = block
      .split('\n')
      .map((line) => line.replace(INVISIBLE_CHARACTERS, '').replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    // One line longer than any wrap width says the block is written a paragraph per line.
    const wrapped = lines.every((line) => line.length <= MAX_WRAPPED_LINE);
    let current: string[] = [];
    lines.forEach((line, index) => {
      current.push(line);
      const next = lines[index + 1];
      if (wrapped && next !== undefined && continuesOnNextLine(line, next)) return;
      paragraphs.push({ lines: current, text: current.join(' ') });
      current = [];
    });
  }
  return paragraphs;
}

function continuesOnNextLine(line: string, next: string): boolean {
  if (line.length < MIN_WRAPPED_LINE) return false;
  if (isStandaloneLine(line) || isStandaloneLine(next)) return false;
  return !/[.!?:"”)]$/.test(line) || /^[a-z]/.test(next);
}

function isStandaloneLine(line: string): boolean {
  return isNavLine(line) || isMetaLine(line) || isDateLine(line) || isCommentMarker(line);
}

/** Navigation, share bars, bylines, datelines, copyright and sign-up lines: site furniture, not article or comments. */
export function isBoilerplate(paragraph: Paragraph): boolean {
  return paragraph.lines.every(
    (line) => isNavLine(line) || isPromoLine(line) || ((isMetaLine(line) || isDateLine(line)) && !isCommentMarker(line)),
  );
}

/** Navigation, share bars, copyright and sign-up lines: they end an article (a dateline or byline alone does not: tweets quoted in articles end with one). */
export function isSiteFurniture(paragraph: Paragraph): boolean {
  return paragraph.lines.every((line) => isNavLine(line) || isPromoLine(line));
}

export function hasCommentMarker(paragraph: Paragraph): boolean {
  return paragraph.lines.some(isCommentMarker);
}

/** Running article prose: a prose paragraph that is neither furniture nor a comment marker. */
export function isArticleProse(paragraph: Paragraph): boolean {
  return isProse(paragraph.text) && !isBoilerplate(paragraph) && !hasCommentMarker(paragraph);
}

export function joinParagraphs(paragraphs: Paragraph[]): string {
  return paragraphs.map((paragraph) => paragraph.text).join('\n\n');
}
