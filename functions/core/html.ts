import { parseHTML } from 'linkedom';

/** Parse an HTML string into a DOM Document (linkedom: fast, no browser). */
export function parseHtml(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}
