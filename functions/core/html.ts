import { parseHTML } from 'linkedom';

/**
 * Parse an HTML string into a DOM Document (linkedom: fast, no browser).
 * linkedom, unlike a browser, does not build a body for markup without explicit `<html>...<head>...<body>`
 * (fragments, pages missing their head): the text ends up outside `document.body`. Such markup is re-parsed
 * inside a complete skeleton, so the visible text is always under the body.
 */
export function parseHtml(html: string): Document {
  const document = parseHTML(html).document as unknown as Document;
  if (bodyHasContent(document) || !hasVisibleText(html)) return document;
  const inner = html.replace(/<!doctype[^>]*>|<\/?(?:html|head|body)\b[^>]*>/gi, '');
  return parseHTML(`<!doctype html><html><head></head><body>${inner}</body></html>`).document as unknown as Document;
}

function bodyHasContent(document: Document): boolean {
  const body = document.body;
  return !!body && (body.firstElementChild !== null || (body.textContent ?? '').trim() !== '');
}

function hasVisibleText(html: string): boolean {
  return /[^\s<>]/.test(html.replace(/<(script|style)\b[\s\S]*?<\/\1>|<[^>]*>/gi, ''));
}
