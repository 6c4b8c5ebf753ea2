/**
 * Real article endings with bare replies appended, and the cross-validation of the unmarked-comment thresholds
 * (functions/core/extract/trailing-comments.ts) on them. Articles: the extraction benchmark's gold bodies. Replies:
 * generated (reposts.ts templates) and real (real-replies.ts: other corpus pages' reader comments, never the
 * article's own page). Two folds: articles by index parity, the generated templates and the real reply pages split
 * the same way, so a fold's thresholds never saw the articles, templates or reply pages they are scored on.
 */
import { trailingCommentsStart, voiceOf, type TrailingCommentThresholds } from '../../functions/core/extract/trailing-comments.ts';
import { readCorpusJson } from './corpus.ts';
import { realReplySources } from './real-replies.ts';
import { bareReplies, REPLY_TEMPLATES } from './reposts.ts';

export const FOLDS = 2;

export interface ReplyFamily {
  fold: number;
  /** The gold body's paragraphs. */
  article: string[];
  /** 3-8 generated replies from the fold's half of the templates. */
  generated: string[];
  /** 3-8 consecutive real replies of another page (a thread as it was posted). */
  real: string[];
}

export const paragraphsOf = (text: string): string[] => text.split(/\n+/).map((paragraph) => paragraph.trim()).filter(Boolean);

export function replyFamilies(): ReplyFamily[] {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  const sources = realReplySources();
  const templatesOf = (fold: number) => REPLY_TEMPLATES.filter((_, index) => index % FOLDS === fold);
  const sourcesOf = (fold: number) => sources.filter((_, index) => index % FOLDS === fold);
  return Object.entries(truth).map(([id, { articleBody }], index) => {
    const fold = index % FOLDS;
    const count = 3 + (index % 6);
    const own = sourcesOf(fold).filter((source) => !source.page.includes(id));
    const source = own[index % own.length]!;
    const from = (index * 7) % Math.max(1, source.replies.length - count + 1);
    return { fold, article: paragraphsOf(articleBody), generated: bareReplies(articleBody, count, index, templatesOf(fold)), real: source.replies.slice(from, from + count) };
  });
}

export interface CutScore {
  /** Reposts (article + replies) whose every non-neutral reply was cut. */
  repliesCut: number;
  /** Reposts where the cut took article paragraphs too, and the article characters it took. */
  articleCut: number;
  articleCharsLost: number;
  reposts: number;
}

export interface GoldScore {
  /** Gold bodies alone that lost their end, the characters lost, and all the characters. */
  cut: number;
  charsLost: number;
  chars: number;
}

export interface FamiliesScore {
  generated: CutScore;
  real: CutScore;
  gold: GoldScore;
}

/** The cut of `thresholds` on the families: replies found, article text lost (with and without replies after it). */
export function scoreCut(families: ReplyFamily[], thresholds: TrailingCommentThresholds): FamiliesScore {
  const newScore = (): CutScore => ({ repliesCut: 0, articleCut: 0, articleCharsLost: 0, reposts: 0 });
  const score: FamiliesScore = { generated: newScore(), real: newScore(), gold: { cut: 0, charsLost: 0, chars: 0 } };
  const charsFrom = (paragraphs: string[], start: number) => paragraphs.slice(start).join('\n\n').length;
  for (const family of families) {
    const goldStart = trailingCommentsStart(family.article, thresholds);
    score.gold.chars += charsFrom(family.article, 0);
    if (goldStart < family.article.length) {
      score.gold.cut++;
      score.gold.charsLost += charsFrom(family.article, goldStart);
    }
    for (const kind of ['generated', 'real'] as const) {
      const replies = family[kind];
      const paragraphs = [...family.article, ...replies];
      const start = trailingCommentsStart(paragraphs, thresholds);
      const firstReply = family.article.length + replies.findIndex((reply) => voiceOf(reply) !== 'neutral');
      const of = score[kind];
      of.reposts++;
      if (start <= firstReply) of.repliesCut++;
      if (start < family.article.length) {
        of.articleCut++;
        of.articleCharsLost += charsFrom(family.article, start) - charsFrom(family.article, family.article.length);
      }
    }
  }
  return score;
}

/** The grid the search chooses from. */
export function thresholdGrid(): TrailingCommentThresholds[] {
  const grid: TrailingCommentThresholds[] = [];
  for (const minTailReplies of [3, 2])
    for (const minShareContrast of [2, 0.7])
      for (const maxOffTopicOverlap of [0, 0.1, 0.2])
        for (const minHeadChars of [600, 300]) grid.push({ minTailReplies, minTailShare: 0.45, maxHeadShare: 0.1, minShareContrast, maxOffTopicOverlap, minHeadChars });
  return grid;
}

/**
 * The thresholds that cut the most repost replies with no gold body cut, less one for each repost whose article
 * lost text (ties: the first in grid order, the strictest), among grid entries scored on some part of the families.
 */
function choose(scored: { thresholds: TrailingCommentThresholds; scores: FamiliesScore[] }[]): TrailingCommentThresholds {
  let best = scored[0]!.thresholds;
  let bestValue = -Infinity;
  for (const { thresholds, scores } of scored) {
    if (scores.some((score) => score.gold.cut > 0)) continue;
    const value = scores.reduce((sum, score) => sum + score.generated.repliesCut + score.real.repliesCut - score.generated.articleCut - score.real.articleCut, 0);
    if (value > bestValue) {
      best = thresholds;
      bestValue = value;
    }
  }
  return best;
}

export interface CrossValidation {
  /** Per fold: the thresholds chosen on the other folds, and their score on this one (held out). */
  folds: { fold: number; chosen: TrailingCommentThresholds; heldOut: FamiliesScore }[];
  /** What the same search picks on all the families. */
  chosenOnAll: TrailingCommentThresholds;
}

/** Each grid entry scored once per fold; each fold's thresholds chosen on the others, and on all of them. */
export function crossValidateCut(families: ReplyFamily[]): CrossValidation {
  const grid = thresholdGrid().map((thresholds) => ({
    thresholds,
    perFold: Array.from({ length: FOLDS }, (_, fold) => scoreCut(families.filter((family) => family.fold === fold), thresholds)),
  }));
  const folds = Array.from({ length: FOLDS }, (_, fold) => {
    const chosen = choose(grid.map(({ thresholds, perFold }) => ({ thresholds, scores: perFold.filter((_, other) => other !== fold) })));
    return { fold, chosen, heldOut: grid.find((entry) => entry.thresholds === chosen)!.perFold[fold]! };
  });
  return { folds, chosenOnAll: choose(grid.map(({ thresholds, perFold }) => ({ thresholds, scores: perFold }))) };
}
