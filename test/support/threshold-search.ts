/**
 * Choosing the near-duplicate thresholds by k-fold cross-validation: a grid search on the training folds, scored on
 * the held-out fold, so the figures reported are not the in-sample ones. Pure: labelled (jaccard, containment) rows in.
 */
import { isNearDuplicate } from '../../functions/core/fingerprint.ts';

export interface LabelledPair {
  jaccard: number;
  containment: number;
  positive: boolean;
  /** Pairs of one group (the same article, the same Webis pair) always fall in the same fold. */
  group: string;
  /** A generated pair whose label is certain: thresholds that get one wrong are never chosen (0 false matches). */
  hard?: boolean;
}

export interface Thresholds {
  minSimilarity: number;
  minContainment: number;
  minContainedJaccard: number;
}

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

/** Precision the search requires on the training data before it maximizes recall. */
export const MIN_TRAIN_PRECISION = 0.97;

const steps = (from: number, to: number, step: number): number[] => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => +(from + i * step).toFixed(2));

export function score(pairs: LabelledPair[], thresholds: Thresholds): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  for (const pair of pairs) {
    const predicted = isNearDuplicate(pair.jaccard, pair.containment, thresholds);
    if (predicted && pair.positive) truePositives++;
    else if (predicted) falsePositives++;
    else if (pair.positive) falseNegatives++;
  }
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    precision: truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives),
    recall: truePositives + falseNegatives === 0 ? 1 : truePositives / (truePositives + falseNegatives),
  };
}

/**
 * The thresholds with the best recall on `pairs` among those with no false match on a hard pair and precision >=
 * MIN_TRAIN_PRECISION on the human-judged ones (ties: the higher precision, then the stricter thresholds, which
 * generalize more safely).
 */
export function chooseThresholds(pairs: LabelledPair[]): Thresholds {
  const judged = pairs.filter((pair) => !pair.hard);
  const hardNegatives = pairs.filter((pair) => pair.hard && !pair.positive);
  let best: { thresholds: Thresholds; score: Score } | null = null;
  for (const minSimilarity of steps(0.3, 0.95, 0.05)) {
    for (const minContainment of steps(0.6, 1, 0.05)) {
      for (const minContainedJaccard of steps(0.2, minSimilarity, 0.05)) {
        const thresholds = { minSimilarity, minContainment, minContainedJaccard };
        const result = score(pairs, thresholds);
        if (score(judged, thresholds).precision < MIN_TRAIN_PRECISION || score(hardNegatives, thresholds).falsePositives > 0) continue;
        if (!best || result.recall > best.score.recall || (result.recall === best.score.recall && result.precision >= best.score.precision)) best = { thresholds, score: result };
      }
    }
  }
  if (!best) throw new Error(`no thresholds reach precision ${MIN_TRAIN_PRECISION} on the training pairs`);
  return best.thresholds;
}

/** FNV-1a of the group name: a stable fold per group, whatever the order of the pairs. */
export function foldOf(group: string, folds: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < group.length; i++) hash = Math.imul(hash ^ group.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % folds;
}

/**
 * The fold of a group in fold draw `draw`: draw 0 is foldOf itself, the fold assignment the test reports; other draws
 * salt the group name, further random splits to see how much a figure owes to one split.
 */
export function foldOfDraw(group: string, folds: number, draw: number): number {
  return foldOf(draw === 0 ? group : `${group}#${draw}`, folds);
}

/** Each fold's pairs scored with the thresholds chosen on the other folds, the folds of draw `draw` (foldOfDraw). */
export function crossValidate<Pair extends LabelledPair>(pairs: Pair[], folds = 5, draw = 0): { heldOut: { pair: Pair; predicted: boolean }[]; chosen: Thresholds[] } {
  const heldOut: { pair: Pair; predicted: boolean }[] = [];
  const chosen: Thresholds[] = [];
  const foldOfPair = (pair: Pair) => foldOfDraw(pair.group, folds, draw);
  for (let fold = 0; fold < folds; fold++) {
    const thresholds = chooseThresholds(pairs.filter((pair) => foldOfPair(pair) !== fold));
    chosen.push(thresholds);
    for (const pair of pairs.filter((candidate) => foldOfPair(candidate) === fold)) {
      heldOut.push({ pair, predicted: isNearDuplicate(pair.jaccard, pair.containment, thresholds) });
    }
  }
  return { heldOut, chosen };
}
