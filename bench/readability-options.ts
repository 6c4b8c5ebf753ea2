/**
 * Experiment behind a proposed change in functions/core/extract.ts (not run by `npm run bench`): the time of the
 * Readability call alone on the htmldate pages near 100 KB, with the options extract.ts uses today and with options
 * that skip work extract.ts does not need, plus whether the extracted text stays the same.
 *   npx tsx bench/readability-options.ts
 */
import { Readability } from '@mozilla/readability';
import { parseHtml } from '../functions/core/html.ts';
import { readPage } from '../functions/core/read.ts';
import { resolveCoreConfig } from '../functions/core/config.ts';
import { htmldatePagesNear } from './support/corpus-pages.ts';
import { median, printTable, quantile } from './support/table.ts';

type Options = ConstructorParameters<typeof Readability>[1];

const VARIANTS: Record<string, Options> = {
  'as extract.ts today': {},
  'charThreshold 140 (no retry passes for short articles)': { charThreshold: 140 },
  'disableJSONLD + keepClasses': { disableJSONLD: true, keepClasses: true },
  'all three': { charThreshold: 140, disableJSONLD: true, keepClasses: true },
};

const config = resolveCoreConfig();
const texts = htmldatePagesNear(80 * 1024, 120 * 1024).map((page) => readPage(page.bytes, { fileName: page.name }, config).text);
const reference = new Map<number, string>();
const rows = [];
for (const [name, options] of Object.entries(VARIANTS)) {
  const times: number[] = [];
  let changed = 0;
  for (let pass = 0; pass < 3; pass++) {
    texts.forEach((text, index) => {
      const document = parseHtml(text);
      const start = performance.now();
      const article = new Readability(document, { ...options, serializer: (node: Node) => node }).parse();
      if (pass > 0) times.push(performance.now() - start);
      const content = (article?.content as unknown as Node | undefined)?.textContent ?? '';
      if (!reference.has(index)) reference.set(index, content);
      else if (pass === 1 && reference.get(index) !== content) changed++;
    });
  }
  rows.push({ options: name, 'median ms': median(times), 'p95 ms': quantile(times, 0.95), 'pages whose text changed': changed });
}
printTable(`Readability alone on ${texts.length} htmldate pages of 80-120 KB (2 timed passes after a warm-up)`, rows);
