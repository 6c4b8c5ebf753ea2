/**
 * Fingerprint throughput on the article-extraction-benchmark: the project's fingerprintText against simhash-js 1.0
 * (32-bit, the baseline only) on the same article bodies in the same run, alternating rounds to share the noise of a
 * busy machine; plus the whole read + extract + fingerprint + dates pipeline (analyzePage) on the html.gz pages.
 * Run directly: `npx tsx bench/fingerprint.ts`.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fingerprintText } from '../functions/core/fingerprint.ts';
import { corpusPath, readCorpusBytes, readCorpusJson } from '../test/support/corpus.ts';

export interface BenchRow {
  name: string;
  /** Megabytes (10^6 bytes) of input per second: UTF-8 text for the fingerprints, page bytes as stored for analyzePage. */
  mbPerSec: number;
  pagesPerSec: number;
  /** Throughput relative to the baseline (simhash-js), where one applies. */
  ratio?: number;
}

interface SimHashJs {
  hash(text: string): number;
}

/** simhash-js assigns implicit globals, so it must load as sloppy-mode CommonJS, never through ESM. */
function loadSimHashJs(): SimHashJs {
  const require = createRequire(import.meta.url);
  const { SimHash } = require('simhash-js') as { SimHash: new () => SimHashJs };
  return new SimHash();
}

const ROUNDS = 5;

/** Best-of-rounds time (ms) of one pass over all inputs; the best round is the least disturbed by other load. */
function timePass(run: () => void, timings: number[]): void {
  const start = performance.now();
  run();
  timings.push(performance.now() - start);
}

const rowFrom = (name: string, bytes: number, pages: number, bestMs: number): BenchRow => ({
  name,
  mbPerSec: bytes / 1e6 / (bestMs / 1000),
  pagesPerSec: pages / (bestMs / 1000),
});

export async function benchFingerprint(): Promise<BenchRow[]> {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  const texts = Object.values(truth).map((entry) => entry.articleBody);
  const textBytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
  const baseline = loadSimHashJs();

  let sink = 0; // keeps results alive so no pass is optimized away
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    timePass(() => texts.forEach((text) => (sink += fingerprintText(text).simhash.length)), ours);
    timePass(() => texts.forEach((text) => (sink += baseline.hash(text) & 1)), theirs);
  }
  const oursRow = rowFrom('fingerprintText (64-bit SimHash + sketch + SHA-256)', textBytes, texts.length, Math.min(...ours));
  const theirsRow = rowFrom('simhash-js 1.0 SimHash.hash (32-bit, baseline)', textBytes, texts.length, Math.min(...theirs));
  oursRow.ratio = oursRow.mbPerSec / theirsRow.mbPerSec;
  theirsRow.ratio = 1;
  const rows = [oursRow, theirsRow];

  // The full pipeline, when analyze.ts and the modules it needs load (they are written in parallel with this bench).
  try {
    const { analyzePage } = await import('../functions/core/analyze.ts');
    const folder = 'html';
    const names = readdirSync(corpusPath('article-extraction-benchmark', folder)).filter((name) => name.endsWith('.html.gz'));
    const pages = names.map((name) => ({ name, bytes: readCorpusBytes('article-extraction-benchmark', folder, name) }));
    const pageBytes = pages.reduce((sum, page) => sum + page.bytes.length, 0);
    const timings: number[] = [];
    for (let round = 0; round < 2; round++) {
      timePass(() => pages.forEach((page) => (sink += analyzePage(page.bytes, { fileName: page.name.replace(/\.gz$/, '') }).mainTextChars)), timings);
    }
    rows.push(rowFrom('analyzePage (read + extract + fingerprint + dates, html)', pageBytes, pages.length, Math.min(...timings)));
  } catch (error) {
    console.warn(`analyzePage not measured: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (sink === -1) console.log(sink);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await benchFingerprint();
  console.table(rows.map((row) => ({ name: row.name, 'MB/s': +row.mbPerSec.toFixed(2), 'pages/s': +row.pagesPerSec.toFixed(1), ratio: row.ratio === undefined ? '' : `${row.ratio.toFixed(1)}x` })));
}
