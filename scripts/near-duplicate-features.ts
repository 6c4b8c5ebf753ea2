/**
 * Feature study of the near-duplicate decision (issue 13): which features of a pair of texts separate the human-judged
 * Webis near-duplicates from the other Webis pairs, held out, while keeping 0 false matches on the generated template
 * sets? Every candidate is scored the way the shipped decision is chosen (test/support/threshold-search.ts): 5 folds
 * by group, a choice on the training folds (precision >= MIN_TRAIN_PRECISION on the judged pairs, no false match on a
 * generated negative), scored on the held-out fold; repeated over several random fold draws (draw 0 is the split the
 * test reports), so a figure that owes its value to one split shows its spread.
 *
 * Candidates: the shipped sketch decision; exact (unsketched) word n-shingle sets, n = 1, 2, 3, 4, 8, under the same
 * Jaccard-or-containment rule; bottom-k sketches of n-shingles (n = 2, 3, 4; k = 64, 96, 128: what each would store);
 * a logistic regression over several features at once (Jaccard and containment of several widths, length ratio,
 * SimHash distance, cosine of the non-common words' counts) with its cutoff chosen under the same constraints.
 *
 *   npx tsx scripts/near-duplicate-features.ts            (about 2 minutes on the project's machine)
 *   npx tsx scripts/near-duplicate-features.ts --misses   (also lists the shipped decision's held-out misses and
 *                                                          false matches, with the first words of each text)
 *   --draws N                                             (fold draws, default 5)
 */
import { COMMON_WORD_HASHES } from '../functions/core/common-words.ts';
import { CORE_DEFAULTS } from '../functions/core/config.ts';
import { compareFingerprints, fingerprintText, shingleHashes } from '../functions/core/fingerprint.ts';
import { normalizeWords } from '../functions/core/normalize.ts';
import { compareSketches, SKETCH_SIZE, type Sketch } from '../functions/core/sketch.ts';
import { generatedTextPairs, webisTextPairs, type TextPair } from '../test/support/near-duplicate-sets.ts';
import { crossValidate, foldOfDraw, MIN_TRAIN_PRECISION } from '../test/support/threshold-search.ts';

const args = process.argv.slice(2);
const draws = args.includes('--draws') ? Number(args[args.indexOf('--draws') + 1]) : 5;
const showMisses = args.includes('--misses');

const EXACT_WIDTHS = [1, 2, 3, 4, 8];
const SKETCH_WIDTHS = [2, 3, 4];
const SKETCH_SIZES = [64, 96, 128];
const common = new Set(COMMON_WORD_HASHES);

/** Per text: its distinct n-shingle hashes (ascending) for each width, its word counts without the common words. */
interface TextFeatures {
  shingles: Map<number, Uint32Array>;
  topical: Map<number, number>;
}

function textFeatures(text: string): TextFeatures {
  const { wordHashes, wordCount } = normalizeWords(text);
  const words = wordHashes.slice(0, wordCount);
  const shingles = new Map<number, Uint32Array>();
  for (const width of new Set([...EXACT_WIDTHS, ...SKETCH_WIDTHS])) {
    const { shingles: hashes, count } = shingleHashes(words, wordCount, width);
    shingles.set(width, Uint32Array.from(new Set(hashes.subarray(0, count))).sort());
  }
  const topical = new Map<number, number>();
  for (const word of words) if (!common.has(word)) topical.set(word, (topical.get(word) ?? 0) + 1);
  return { shingles, topical };
}

function exactOverlap(a: Uint32Array, b: Uint32Array): { jaccard: number; containment: number } {
  if (a.length === 0 || b.length === 0) return { jaccard: 0, containment: 0 };
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return { jaccard: shared / (a.length + b.length - shared), containment: shared / Math.min(a.length, b.length) };
}

/** The bottom-k sketch a document with these distinct hashes would store (what sketchOf keeps, for any k). */
const bottomK = (distinct: Uint32Array, size: number): Sketch => ({ distinct: distinct.length, minima: distinct.slice(0, size) });

function cosine(a: Map<number, number>, b: Map<number, number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [word, count] of a) {
    normA += count * count;
    dot += count * (b.get(word) ?? 0);
  }
  for (const count of b.values()) normB += count * count;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

interface Row extends TextPair {
  features: Record<string, number>;
}

const started = Date.now();
const pairs = [...webisTextPairs(), ...generatedTextPairs()];
const rows: Row[] = pairs.map((pair) => {
  const left = textFeatures(pair.left);
  const right = textFeatures(pair.right);
  const stored = compareFingerprints(fingerprintText(pair.left), fingerprintText(pair.right));
  const features: Record<string, number> = { storedJ: stored.jaccard, storedC: stored.containment, distance: stored.distance / 64 };
  for (const width of EXACT_WIDTHS) {
    const { jaccard, containment } = exactOverlap(left.shingles.get(width)!, right.shingles.get(width)!);
    features[`j${width}`] = jaccard;
    features[`c${width}`] = containment;
  }
  for (const width of SKETCH_WIDTHS) {
    for (const size of SKETCH_SIZES) {
      const { jaccard, containment } = compareSketches(bottomK(left.shingles.get(width)!, size), bottomK(right.shingles.get(width)!, size));
      features[`sj${width}k${size}`] = jaccard;
      features[`sc${width}k${size}`] = containment;
    }
  }
  const [shorter, longer] = [left.shingles.get(4)!.length, right.shingles.get(4)!.length].sort((x, y) => x - y) as [number, number];
  features.lengthRatio = longer === 0 ? 0 : shorter / longer;
  features.cosine = cosine(left.topical, right.topical);
  return { ...pair, features };
});
console.log(`${rows.length} pairs (${rows.filter((row) => row.set === 'webis').length} Webis) featurized in ${((Date.now() - started) / 1000).toFixed(0)} s; ${draws} fold draws each\n`);

interface HeldOut {
  precision: number;
  recall: number;
  hardFalseMatches: number;
  repostRecall: number;
}

function summarize(held: { pair: Row; predicted: boolean }[]): HeldOut {
  const webis = held.filter(({ pair }) => pair.set === 'webis');
  const truePositives = webis.filter(({ pair, predicted }) => predicted && pair.positive).length;
  const falsePositives = webis.filter(({ pair, predicted }) => predicted && !pair.positive).length;
  const reposts = held.filter(({ pair }) => pair.set === 'reposts');
  return {
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / webis.filter(({ pair }) => pair.positive).length,
    hardFalseMatches: held.filter(({ pair, predicted }) => predicted && pair.hard && !pair.positive).length,
    repostRecall: reposts.filter(({ predicted }) => predicted).length / reposts.length,
  };
}

/** The shipped rule (Jaccard, or containment with a Jaccard floor) over one pair of features. */
function ruleHeldOut(jaccardKey: string, containmentKey: string, draw: number) {
  const labelled = rows.map((row) => ({ ...row, jaccard: row.features[jaccardKey]!, containment: row.features[containmentKey]! }));
  return crossValidate(labelled, 5, draw).heldOut;
}

/** Logistic regression (L2, gradient descent on standardized features) fitted on the Webis training pairs. */
function fitLogistic(train: Row[], keys: string[]): (row: Row) => number {
  const mean = keys.map((key) => train.reduce((sum, row) => sum + row.features[key]!, 0) / train.length);
  const spread = keys.map((key, k) => Math.sqrt(train.reduce((sum, row) => sum + (row.features[key]! - mean[k]!) ** 2, 0) / train.length) || 1);
  const input = (row: Row) => keys.map((key, k) => (row.features[key]! - mean[k]!) / spread[k]!);
  const weights = new Array<number>(keys.length + 1).fill(0);
  const samples = train.map((row) => ({ x: input(row), y: row.positive ? 1 : 0 }));
  for (let step = 0; step < 2000; step++) {
    const gradient = new Array<number>(keys.length + 1).fill(0);
    for (const { x, y } of samples) {
      const z = weights[0]! + x.reduce((sum, value, k) => sum + value * weights[k + 1]!, 0);
      const error = 1 / (1 + Math.exp(-z)) - y;
      gradient[0]! += error;
      x.forEach((value, k) => (gradient[k + 1]! += error * value));
    }
    for (let k = 0; k <= keys.length; k++) weights[k]! -= (0.5 * gradient[k]!) / samples.length + (k > 0 ? 0.01 * weights[k]! : 0);
  }
  return (row) => weights[0]! + input(row).reduce((sum, value, k) => sum + value * weights[k + 1]!, 0);
}

/** Cutoff on the model's score with the best training recall under the threshold search's constraints. */
function chooseCutoff(train: Row[], scoreOf: (row: Row) => number): number {
  const scored = train.map((row) => ({ row, score: scoreOf(row) }));
  const hardFloor = Math.max(-Infinity, ...scored.filter(({ row }) => row.hard && !row.positive).map(({ score }) => score));
  let best = { recall: -1, cutoff: Infinity };
  for (const cutoff of new Set(scored.filter(({ row, score }) => !row.hard && score > hardFloor).map(({ score }) => score))) {
    const taken = scored.filter(({ score }) => score >= cutoff);
    const judged = taken.filter(({ row }) => !row.hard);
    const precision = judged.filter(({ row }) => row.positive).length / judged.length;
    const recall = taken.filter(({ row }) => row.positive).length;
    if (precision >= MIN_TRAIN_PRECISION && recall > best.recall) best = { recall, cutoff };
  }
  return best.cutoff;
}

function logisticHeldOut(keys: string[], draw: number) {
  const held: { pair: Row; predicted: boolean }[] = [];
  const foldOfRow = (row: Row) => foldOfDraw(row.group, 5, draw);
  for (let fold = 0; fold < 5; fold++) {
    const train = rows.filter((row) => foldOfRow(row) !== fold);
    const scoreOf = fitLogistic(train.filter((row) => !row.hard), keys);
    const cutoff = chooseCutoff(train, scoreOf);
    for (const row of rows.filter((candidate) => foldOfRow(candidate) === fold)) held.push({ pair: row, predicted: scoreOf(row) >= cutoff });
  }
  return held;
}

function report(name: string, heldOutOf: (draw: number) => { pair: Row; predicted: boolean }[]): void {
  let results: HeldOut[];
  try {
    results = Array.from({ length: draws }, (_, draw) => summarize(heldOutOf(draw)));
  } catch (error) {
    console.log(`${name.padEnd(44)} ${(error as Error).message}`); // single words: no rule at all reaches it
    return;
  }
  const mean = (pick: (result: HeldOut) => number) => (results.reduce((sum, result) => sum + pick(result), 0) / results.length).toFixed(3);
  const low = (pick: (result: HeldOut) => number) => Math.min(...results.map(pick)).toFixed(3);
  const first = results[0]!;
  console.log(
    `${name.padEnd(44)} P ${mean((r) => r.precision)} (min ${low((r) => r.precision)})  R ${mean((r) => r.recall)} (min ${low((r) => r.recall)})  ` +
      `draw 0: P ${first.precision.toFixed(3)} R ${first.recall.toFixed(3)}  generated false matches ${results.reduce((sum, r) => sum + r.hardFalseMatches, 0)}  reposts R ${mean((r) => r.repostRecall)}`,
  );
}

console.log('held-out Webis precision / recall, mean over fold draws (lowest draw), and draw 0 alone:');
report(`shipped: 4-shingle sketch, k = ${SKETCH_SIZE}`, (draw) => ruleHeldOut('storedJ', 'storedC', draw));
for (const width of EXACT_WIDTHS) report(`exact ${width}-shingle sets (no sketch)`, (draw) => ruleHeldOut(`j${width}`, `c${width}`, draw));
for (const width of SKETCH_WIDTHS) {
  for (const size of SKETCH_SIZES) report(`${width}-shingle sketch, k = ${size} (${5 + 4 * size} bytes)`, (draw) => ruleHeldOut(`sj${width}k${size}`, `sc${width}k${size}`, draw));
}
const models: [string, string[]][] = [
  ['logistic: stored J, C', ['storedJ', 'storedC']],
  ['logistic: stored J, C, length ratio, distance', ['storedJ', 'storedC', 'lengthRatio', 'distance']],
  ['logistic: stored J, C, unigram cosine', ['storedJ', 'storedC', 'cosine']],
  ['logistic: exact J, C of 2-shingles', ['j2', 'c2']],
  ['logistic: exact J, C of 1, 2, 4-shingles', ['j1', 'c1', 'j2', 'c2', 'j4', 'c4']],
  ['logistic: exact J, C 1-4 + length, distance, cosine', ['j1', 'c1', 'j2', 'c2', 'j4', 'c4', 'lengthRatio', 'distance', 'cosine']],
];
for (const [name, keys] of models) report(name, (draw) => logisticHeldOut(keys, draw));

if (showMisses) {
  const opening = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 70);
  console.log(`\nshipped decision (${CORE_DEFAULTS.minSimilarity}/${CORE_DEFAULTS.minContainment}/${CORE_DEFAULTS.minContainedJaccard} chosen per fold), draw 0, Webis pairs it gets wrong:`);
  for (const { pair, predicted } of ruleHeldOut('storedJ', 'storedC', 0)) {
    if (pair.set !== 'webis' || predicted === pair.positive) continue;
    const f = pair.features;
    console.log(
      `${predicted ? 'FALSE MATCH' : 'miss       '} ${pair.group.padEnd(10)} J ${f.storedJ!.toFixed(2)} C ${f.storedC!.toFixed(2)} exact J4 ${f.j4!.toFixed(2)} ` +
        `len ${f.lengthRatio!.toFixed(2)} bits ${Math.round(f.distance! * 64)}\n    < ${opening(pair.left)}\n    > ${opening(pair.right)}`,
    );
  }
}
