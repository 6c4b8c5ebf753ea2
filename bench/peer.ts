/**
 * A peer in the bench: what a user would assemble instead in JavaScript, jsdom + @mozilla/readability + simhash-js,
 * beside the project's analyzePage.
 * - Throughput: per page on the 181 article-extraction-benchmark pages (gzip as stored, both sides gunzip), in
 *   interleaved rounds of the same run; the peer parses with jsdom, extracts with Readability and hashes the
 *   extracted text with simhash-js. analyzePage does more (claimed and content dates, comment cutting, the sketch).
 * - Quality: the 238 human-judged Webis pairs (extracted text, so no Readability step on either side), the peer's
 *   32-bit SimHash matched at Hamming distance <= k: its best k in-sample, and k chosen on the training folds and
 *   scored on the held-out fold (the same 5 folds as test/core/near-duplicates.test.ts), beside the project's decision.
 * Run directly: `npx tsx bench/peer.ts` (`--quick`: one timed round).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { analyzePage } from '../functions/core/analyze.ts';
import { compareFingerprints, fingerprintText } from '../functions/core/fingerprint.ts';
import { popcount32 } from '../functions/core/simhash.ts';
import { webisTextPairs } from '../test/support/near-duplicate-sets.ts';
import { foldOf, MIN_TRAIN_PRECISION } from '../test/support/threshold-search.ts';
import { loadSimHashJs } from './fingerprint.ts';
import { extractionBenchmarkPages } from './support/corpus-pages.ts';
import { median, printTable } from './support/table.ts';
import { pairedRounds } from './support/timing.ts';

/** The little of jsdom this bench uses (jsdom ships no types; @types/jsdom is not worth a dependency here). */
interface JsdomWindow {
  document: Document;
  close(): void;
}
type JsdomConstructor = new (html: string, options?: { virtualConsole?: unknown }) => { window: JsdomWindow };

/** jsdom's constructor with a silent console (it reports every stylesheet it cannot parse). */
function loadJsdom(): { JSDOM: JsdomConstructor; virtualConsole: unknown } {
  const require = createRequire(import.meta.url);
  const jsdom = require('jsdom') as { JSDOM: JsdomConstructor; VirtualConsole: new () => unknown };
  return { JSDOM: jsdom.JSDOM, virtualConsole: new jsdom.VirtualConsole() };
}

const SIMHASH_JS_BITS = 32;
const FOLDS = 5;

interface PairScore {
  precision: number;
  recall: number;
  f1: number;
}

interface Labelled {
  distance: number;
  positive: boolean;
  group: string;
}

function scoreAt(rows: readonly Labelled[], k: number): PairScore {
  let truePositives = 0;
  let falsePositives = 0;
  let positives = 0;
  for (const row of rows) {
    const predicted = row.distance <= k;
    if (row.positive) positives++;
    if (predicted && row.positive) truePositives++;
    else if (predicted) falsePositives++;
  }
  const precision = truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives);
  const recall = positives === 0 ? 1 : truePositives / positives;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

const KS = Array.from({ length: SIMHASH_JS_BITS + 1 }, (_, k) => k);

/** Two rules for the best k: the highest F1 (ties: the smaller k), and the project's own rule (threshold-search.ts): best recall with precision >= MIN_TRAIN_PRECISION. */
const RULES = {
  'best F1': (rows: readonly Labelled[]): number => {
    let best = 0;
    for (const k of KS) if (scoreAt(rows, k).f1 > scoreAt(rows, best).f1) best = k;
    return best;
  },
  [`best recall at P >= ${MIN_TRAIN_PRECISION}`]: (rows: readonly Labelled[]): number => {
    let best = -1; // -1: no k reaches the precision, match nothing
    for (const k of KS) if (scoreAt(rows, k).precision >= MIN_TRAIN_PRECISION) best = k;
    return best;
  },
};

/** Each fold scored with the k the rule picks on the other folds; the per-fold ks. */
function heldOut(rows: readonly Labelled[], choose: (rows: readonly Labelled[]) => number): { score: PairScore; ks: number[] } {
  const predictions: Labelled[] = [];
  const ks: number[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const k = choose(rows.filter((row) => foldOf(row.group, FOLDS) !== fold));
    ks.push(k);
    // Re-express each held-out row's prediction at a common threshold (0) so scoreAt counts it.
    for (const row of rows.filter((candidate) => foldOf(candidate.group, FOLDS) === fold)) predictions.push({ ...row, distance: row.distance <= k ? 0 : 1 });
  }
  return { score: scoreAt(predictions, 0), ks };
}

export interface PeerQuality {
  pairs: number;
  /** Share of near-duplicate pairs: the precision of calling every pair one. */
  positiveShare: number;
  rows: { method: string; k: string; precision: number; recall: number; f1: number }[];
}

export function peerQuality(): PeerQuality {
  const simhash = loadSimHashJs();
  const peer: Labelled[] = [];
  let projectTruePositives = 0;
  let projectFalsePositives = 0;
  let positives = 0;
  for (const { left, right, positive, group } of webisTextPairs()) {
    peer.push({ distance: popcount32((simhash.hash(left) ?? 0) ^ (simhash.hash(right) ?? 0)), positive, group });
    const matched = compareFingerprints(fingerprintText(left), fingerprintText(right)).nearDuplicate;
    if (positive) positives++;
    if (matched && positive) projectTruePositives++;
    else if (matched) projectFalsePositives++;
  }
  const rows: PeerQuality['rows'] = [];
  for (const [rule, choose] of Object.entries(RULES)) {
    const k = choose(peer);
    rows.push({ method: `simhash-js, ${rule}, in-sample`, k: String(k), ...scoreAt(peer, k) });
    const { score, ks } = heldOut(peer, choose);
    rows.push({ method: `simhash-js, ${rule}, held-out (${FOLDS} folds)`, k: ks.join('/'), ...score });
  }
  const precision = projectTruePositives / Math.max(1, projectTruePositives + projectFalsePositives);
  const recall = projectTruePositives / Math.max(1, positives);
  rows.push({ method: 'project (compareFingerprints, shipped thresholds), in-sample', k: '', precision, recall, f1: (2 * precision * recall) / (precision + recall) });
  return { pairs: peer.length, positiveShare: positives / peer.length, rows };
}

export interface PeerThroughput {
  pages: number;
  rounds: number;
  oursPagesPerSec: number;
  peerPagesPerSec: number;
  /** analyzePage pages/s over the peer's, best round against best round. */
  ratioBest: number;
  /** Median over rounds of (peer time / analyzePage time) within the same round. */
  ratioMedianPaired: number;
  /** Pages where Readability found no article (the peer then hashes an empty text). */
  peerNoArticle: number;
  /** Pages where jsdom or Readability threw (jsdom 29's CSS parser throws on some inline styles); hashed as empty. */
  peerThrew: number;
}

export function peerThroughput(options: { quick?: boolean } = {}): PeerThroughput {
  const pages = extractionBenchmarkPages();
  const { JSDOM, virtualConsole } = loadJsdom();
  const simhash = loadSimHashJs();
  let sink = 0;
  let peerNoArticle = 0;
  let peerThrew = 0;
  const runOurs = () => pages.forEach((page) => (sink += analyzePage(page.bytes, { fileName: page.name.replace(/\.gz$/, '') }).mainTextChars));
  const runPeer = () => {
    peerNoArticle = 0;
    peerThrew = 0;
    for (const page of pages) {
      let text = '';
      let window: JsdomWindow | undefined;
      try {
        window = new JSDOM(gunzipSync(page.bytes).toString('utf8'), { virtualConsole }).window;
        text = new Readability(window.document).parse()?.textContent ?? '';
        if (!text) peerNoArticle++;
      } catch {
        peerThrew++;
      }
      sink += (simhash.hash(text) ?? 0) & 1;
      window?.close();
    }
  };
  const rounds = options.quick ? 1 : 3;
  const { ours, theirs } = pairedRounds(runOurs, runPeer, rounds);
  if (sink === -1) console.log(sink);
  return {
    pages: pages.length,
    rounds,
    oursPagesPerSec: pages.length / (Math.min(...ours) / 1000),
    peerPagesPerSec: pages.length / (Math.min(...theirs) / 1000),
    ratioBest: Math.min(...theirs) / Math.min(...ours),
    ratioMedianPaired: median(theirs.map((ms, round) => ms / ours[round]!)),
    peerNoArticle,
    peerThrew,
  };
}

export async function benchPeer(options: { quick?: boolean } = {}): Promise<void> {
  const speed = peerThroughput(options);
  printTable(
    `Peer throughput: jsdom + @mozilla/readability + simhash-js vs analyzePage, ${speed.pages} article-extraction-benchmark pages, same run`,
    [
      { implementation: 'analyzePage (read + extract + fingerprint + dates)', 'pages/s best': speed.oursPagesPerSec, 'x peer': `${speed.ratioBest.toFixed(2)}x` },
      { implementation: 'peer: jsdom parse + Readability.parse + simhash-js (baseline)', 'pages/s best': speed.peerPagesPerSec, 'x peer': '1.00x' },
    ],
    `analyzePage vs peer: ${speed.ratioBest.toFixed(2)}x (best rounds), ${speed.ratioMedianPaired.toFixed(2)}x (median of ${speed.rounds} paired rounds); Readability found no article on ${speed.peerNoArticle} pages and threw on ${speed.peerThrew} (jsdom's CSS parser)`,
  );
  const quality = peerQuality();
  printTable(
    `Peer near-duplicate quality: ${quality.pairs} Webis pairs, 32-bit simhash-js at Hamming distance <= k`,
    quality.rows.map((row) => ({ method: row.method, k: row.k, precision: row.precision.toFixed(3), recall: row.recall.toFixed(3), F1: row.f1.toFixed(3) })),
    `k: the chosen threshold (per fold when held out; -1 = no k reaches the precision, nothing matched). ${(quality.positiveShare * 100).toFixed(1)}% of the pairs are near-duplicates (the precision of matching every pair). Project held-out figures: npx vitest run test/core/near-duplicates.test.ts`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPeer({ quick: process.argv.includes('--quick') });
