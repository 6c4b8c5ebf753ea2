/**
 * Very large but valid HTML pages, generated at test (and bench) time: the shapes that exhausted the function's
 * memory or time before large pages took the streaming extraction (issue 12). Every page is a real article
 * wrapped in a lot of markup, so its extraction can be checked for the article's text.
 */

const PARAGRAPH =
  'The river authority opened the northern floodgates on Tuesday after three days of rain raised the reservoir to its highest level since records began. ' +
  'Engineers said the dam itself was never at risk, but farms along the lower valley were told to move livestock to higher ground before the release.';

function article(marker: string): string {
  return `<article><h1>${marker}: floodgates opened on the valley river</h1><p>${PARAGRAPH}</p><p>${PARAGRAPH} ${marker}.</p></article>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>` +
    `<meta property="article:published_time" content="2021-06-04T09:00:00Z"></head><body>${body}</body></html>`;
}

/** Repeat `unit(i)` until the page reaches `targetBytes` (ASCII, so characters are bytes). */
function fill(targetBytes: number, head: string, tail: string, unit: (index: number) => string): string {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  for (let index = 0; size < targetBytes; index++) {
    const part = unit(index);
    parts.push(part);
    size += part.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** Blocks of `depth` nested divs, each level with a little text, repeated to `targetBytes`; the article comes first. */
export function nestedDivPage(targetBytes: number, depth = 40): string {
  const open = '<div class="wrap">'.repeat(depth);
  const close = '</div>'.repeat(depth);
  const wrapped = `<span>item</span>`;
  const html = page('Nested divs', '');
  const [head, tail] = [html.slice(0, html.indexOf('</body>')) + article('Nested'), html.slice(html.indexOf('</body>'))];
  return fill(targetBytes, head, tail, (index) => `${open}${wrapped}<p>Row ${index} of the listing.</p>${close}`);
}

/** One table of `columns` cells per row, repeated to `targetBytes`; the article comes first. */
export function tablePage(targetBytes: number, columns = 8): string {
  const html = page('A large table', '');
  const head = html.slice(0, html.indexOf('</body>')) + article('Table') + '<table><tbody>';
  const tail = '</tbody></table>' + html.slice(html.indexOf('</body>'));
  return fill(targetBytes, head, tail, (index) => `<tr>${Array.from({ length: columns }, (_, column) => `<td>${index * columns + column}</td>`).join('')}</tr>`);
}
