/** Generated crawls for scale tests and benchmarks: small distinct pages, some captured again later (same content). */
import { seededRandom } from './random.ts';
import type { WarcRecordSpec } from './warc-writer.ts';

export interface GeneratedPage {
  url: string;
  date: string;
  html: string;
  /** For a re-capture: the index of the page it captures again. */
  recaptureOf?: number;
}

/** `count` pages of ~120 words from a seeded vocabulary; every `recaptureEvery`-th page is an earlier page captured again. */
export function generatedPages(count: number, recaptureEvery = 0, seed = 11): GeneratedPage[] {
  const random = seededRandom(seed);
  const vocabulary = Array.from({ length: 4000 }, () => Array.from({ length: 3 + Math.floor(random() * 7) }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(''));
  const pages: GeneratedPage[] = [];
  for (let index = 0; index < count; index++) {
    const date = new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString().replace('.000', '');
    if (recaptureEvery > 0 && index > 0 && index % recaptureEvery === 0) {
      const of = Math.floor(random() * index);
      const original = pages[of]!;
      pages.push({ url: original.url, date, html: original.html, recaptureOf: original.recaptureOf ?? of });
      continue;
    }
    const words = Array.from({ length: 120 }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
    const paragraphs = [words.slice(0, 40), words.slice(40, 80), words.slice(80)].map((part) => `<p>${part.join(' ')}.</p>`).join('\n');
    pages.push({ url: `https://site${index % 17}.example/page/${index}`, date, html: `<html><head><title>Page ${index}</title></head><body><article><h1>Page ${index}</h1>\n${paragraphs}</article></body></html>` });
  }
  return pages;
}

export function warcSpecs(pages: GeneratedPage[]): WarcRecordSpec[] {
  return pages.map((page) => ({ type: 'response', url: page.url, date: page.date, httpHeaders: { 'Content-Type': 'text/html; charset=utf-8' }, payload: page.html }));
}

export function jsonlLines(pages: GeneratedPage[]): string {
  return pages.map((page) => JSON.stringify({ url: page.url, html: page.html, scrapedAt: page.date })).join('\n') + '\n';
}
