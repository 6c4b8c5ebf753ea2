/**
 * Fingerprint throughput on the article-extraction-benchmark: the project's fingerprintText against simhash-js 1.0
 * (32-bit, the baseline only) on the same article bodies in the same run, in interleaved rounds (alternating which
 * goes first) to share the noise of a busy machine, reporting the best and the median round and the speed-up; plus the whole read + extract + fingerprint + dates pipeline (analyzePage) on the html.gz pages.
 * Run directly: `npx tsx bench/fingerprint.ts`.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fingerprintText } from '../functions/core/fingerprint.ts';
import { corpusPath, readCorpusBytes, readCorpusJson } from '../test/support/corpus.ts';
import { median } from './support/table.ts';
import { pairedRounds, timePass } from './support/timing.ts';

export interface BenchRow {
  name: string;
  /** Megabytes (10^6 bytes) of input per second in the best round: UTF-8 text for the fingerprints, page bytes as stored for analyzePage. */
  mbPerSec: number;
  /** The same in the median round. */
  medianMbPerSec: number;
  pagesPerSec: number;
  /** Best-round throughput relative to the baseline's best round (simhash-js), where one applies. */
  ratio?: number;
}

export interface SimHashJs {
  /** A 32-bit SimHash as an unsigned integer (undefined for an empty text). */
  hash(text: string): number;
}

/** simhash-js assigns implicit globals, so it must load as sloppy-mode CommonJS, never through ESM. */
export function loadSimHashJs(): SimHashJs {
  const require = createRequire(import.meta.url);
  const { SimHash } = require('simhash-js') as { SimHash: new () => SimHashJs };
  return new SimHash();
}

/** Timed rounds per implementation, after one untimed warm-up round each (JIT, lazily filled tables). */
const ROUNDS = 9;

const rowFrom = (name: string, bytes: number, pages: number, bestMs: number, medianMs: number): BenchRow => ({
  name,
  mbPerSec: bytes / 1e6 / (bestMs / 1000),
  medianMbPerSec: bytes / 1e6 / (medianMs / 1000),
  pagesPerSec: pages / (bestMs / 1000),
});

/** The speed-up of fingerprintText over simhash-js, measured on the same inputs in interleaved rounds. */
export interface Speedup {
  /** Best round against best round: each side's least disturbed pass. */
  best: number;
  /** Median over rounds of (simhash-js time / fingerprintText time) within the same round: robust to load drift. */
  medianPaired: number;
  rounds: number;
}

export async function benchFingerprint(): Promise<{ rows: BenchRow[]; speedup: Speedup }> {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  const texts = Object.values(truth).map((entry) => entry.articleBody);
  const textBytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
  const baseline = loadSimHashJs();

  let sink = 0; // keeps results alive so no pass is optimized away
  const runOurs = () => texts.forEach((text) => (sink += fingerprintText(text).simhash.length));
  const runTheirs = () => texts.forEach((text) => (sink += baseline.hash(text) & 1));
  const { ours, theirs } = pairedRounds(runOurs, runTheirs, ROUNDS);
  const oursRow = rowFrom('fingerprintText (64-bit SimHash + sketch + SHA-256)', textBytes, texts.length, Math.min(...ours), median(ours));
  const theirsRow = rowFrom('simhash-js 1.0 SimHash.hash (32-bit, baseline)', textBytes, texts.length, Math.min(...theirs), median(theirs));
  const speedup: Speedup = {
    best: Math.min(...theirs) / Math.min(...ours),
    medianPaired: median(theirs.map((time, round) => time / ours[round]!)),
    rounds: ROUNDS,
  };
  oursRow.ratio = speedup.best;
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
      timings.push(timePass(() => pages.forEach((page) => (sink += analyzePage(page.bytes, { fileName: page.name.replace(/\.gz$/, '') }).mainTextChars))));
    }
    rows.push(rowFrom('analyzePage (read + extract + fingerprint + dates, html)', pageBytes, pages.length, Math.min(...timings), median(timings)));
  } catch (error) {
    console.warn(`analyzePage not measured: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (sink === -1) console.log(sink);
  return { rows, speedup };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, speedup } = await benchFingerprint();
  console.table(
    rows.map((row) => ({
      name: row.name,
      'MB/s best': +row.mbPerSec.toFixed(2),
      'MB/s median': +row.medianMbPerSec.toFixed(2),
      'pages/s best': +row.pagesPerSec.toFixed(1),
      ratio: row.ratio === undefined ? '' : `${row.ratio.toFixed(1)}x`,
    })),
  );
  console.log(
    `\nfingerprintText vs simhash-js: ${speedup.best.toFixed(1)}x faster (best round vs best round), ` +
      `${speedup.medianPaired.toFixed(1)}x (median of ${speedup.rounds} paired rounds)\n`,
  );
}
