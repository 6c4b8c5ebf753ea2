/**
 * `npm run bench` runs every benchmark area and prints one table per area, each with its baseline measured in the
 * same run; `npm run bench -- e2e` (or several names) runs only those areas. Not run in CI.
 * Areas: fingerprint, per-page, e2e, index-scaling, cold-start, large-pages, records, crawl, peer; crawl-scale (20,000
 * records) only when named. Add `--quick` for a smaller, faster pass.
 */
import { benchColdStart } from './cold-start.ts';
import { benchCrawl, benchCrawlScale } from './crawl.ts';
import { benchEndToEnd } from './e2e.ts';
import { benchFingerprint } from './fingerprint.ts';
import { benchIndexScaling } from './index-scaling.ts';
import { benchLargePages } from './large-pages.ts';
import { benchPeer } from './peer.ts';
import { benchPerPage } from './per-page.ts';
import { benchRecords } from './records.ts';
import { printTable } from './support/table.ts';

interface Options {
  quick: boolean;
}

async function fingerprintArea(): Promise<void> {
  const { rows, speedup } = await benchFingerprint();
  printTable(
    'Fingerprint throughput (baseline: simhash-js SimHash.hash on the same texts, same run)',
    rows.map((row) => ({
      implementation: row.name,
      'MB/s best': row.mbPerSec,
      'MB/s median': row.medianMbPerSec,
      'pages/s best': row.pagesPerSec,
      'x simhash-js': row.ratio === undefined ? '' : `${row.ratio.toFixed(1)}x`,
    })),
    `fingerprintText vs simhash-js: ${speedup.best.toFixed(1)}x (best rounds), ${speedup.medianPaired.toFixed(1)}x (median of ${speedup.rounds} paired rounds); target 25x`,
  );
}

const AREAS: Record<string, (options: Options) => Promise<unknown>> = {
  fingerprint: fingerprintArea,
  'per-page': (options) => benchPerPage(options),
  e2e: (options) => benchEndToEnd(options),
  'index-scaling': (options) => benchIndexScaling(options),
  'cold-start': () => benchColdStart(),
  'large-pages': (options) => benchLargePages(options),
  records: (options) => benchRecords(options),
  crawl: (options) => benchCrawl(options),
  peer: (options) => benchPeer(options),
};

/** Areas run only when named: too long for the default pass. */
const NAMED_ONLY: Record<string, (options: Options) => Promise<unknown>> = {
  'crawl-scale': (options) => benchCrawlScale(options),
};

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !(name in AREAS) && !(name in NAMED_ONLY));
  if (unknown.length > 0) {
    console.error(`unknown benchmark area(s): ${unknown.join(', ')}; choose from ${[...Object.keys(AREAS), ...Object.keys(NAMED_ONLY)].join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(AREAS);
  console.log(`archive-dedup benchmarks: ${selected.join(', ')}${quick ? ' (quick)' : ''} on Node ${process.version}`);
  for (const name of selected) {
    const start = performance.now();
    await (AREAS[name] ?? NAMED_ONLY[name])!({ quick });
    console.log(`(${name}: ${((performance.now() - start) / 1000).toFixed(1)} s)`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
