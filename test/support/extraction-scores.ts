/**
 * How extraction is scored on the shared corpus: the article-extraction-benchmark's F1 (word 4-gram shingle multisets,
 * true/false positives per page) and trafilatura's `with` / `without` snippets. Any extraction path can be scored.
 */
import { InputRejected } from '../../functions/core/errors.ts';
import { readCorpusBytes, readCorpusJson } from './corpus.ts';

/** Multiset of word 4-gram shingles, tokenized as the article-extraction-benchmark does (`\w+`). */
export function shingles(text: string): Map<string, number> {
  const tokens = text.match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
  const counts = new Map<string, number>();
  for (let index = 0; index < Math.max(1, tokens.length - 3); index++) {
    const shingle = tokens.slice(index, index + 4).join(' ');
    if (shingle) counts.set(shingle, (counts.get(shingle) ?? 0) + 1);
  }
  return counts;
}

/** True/false positive/negative shingle counts, normalized per page so long pages do not weigh more (the benchmark's rule). */
export function shingleMatch(expected: string, predicted: string): { tp: number; fp: number; fn: number } {
  const truth = shingles(expected);
  const guess = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const key of new Set([...truth.keys(), ...guess.keys()])) {
    const want = truth.get(key) ?? 0;
    const got = guess.get(key) ?? 0;
    tp += Math.min(want, got);
    fp += Math.max(0, got - want);
    fn += Math.max(0, want - got);
  }
  const total = tp + fp + fn || 1;
  return { tp: tp / total, fp: fp / total, fn: fn / total };
}

export interface BenchmarkScore {
  pages: number;
  f1: number;
  precision: number;
  recall: number;
}

/** Main-text F1 of `extractText` over the article-extraction-benchmark's pages (bytes as stored, gzip), per-page normalized. */
export function scoreExtractionBenchmark(extractText: (bytes: Uint8Array, id: string) => string): BenchmarkScore {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const ids = Object.keys(truth);
  for (const id of ids) {
    const match = shingleMatch(truth[id]!.articleBody, extractText(readCorpusBytes('article-extraction-benchmark', 'html', `${id}.html.gz`), id));
    tp += match.tp;
    fp += match.fp;
    fn += match.fn;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return { pages: ids.length, f1: (2 * precision * recall) / (precision + recall), precision, recall };
}

const squash = (text: string): string => text.replace(/\s+/g, ' ');

export interface SnippetScore {
  pages: number;
  /** Pages the extraction rejected (InputRejected): their text counts as empty. */
  rejected: number;
  withFound: number;
  withTotal: number;
  withoutExcluded: number;
  withoutTotal: number;
}

/** trafilatura's evaluation pages: `with` snippets that `extractText` keeps, `without` snippets it leaves out. */
export function scoreTrafilaturaSnippets(extractText: (bytes: Uint8Array, path: string) => string): SnippetScore {
  const expected = readCorpusJson<{ pages: Record<string, { with?: string[]; without?: string[] }> }>('trafilatura', 'expected.json');
  const score: SnippetScore = { pages: 0, rejected: 0, withFound: 0, withTotal: 0, withoutExcluded: 0, withoutTotal: 0 };
  for (const [path, page] of Object.entries(expected.pages)) {
    score.pages++;
    let mainText = '';
    try {
      mainText = squash(extractText(readCorpusBytes('trafilatura', ...path.split('/')), path));
    } catch (error) {
      if (!(error instanceof InputRejected)) throw error;
      score.rejected++;
    }
    for (const snippet of page.with ?? []) {
      score.withTotal++;
      if (mainText.includes(squash(snippet).trim())) score.withFound++;
    }
    for (const snippet of page.without ?? []) {
      score.withoutTotal++;
      if (!mainText.includes(squash(snippet).trim())) score.withoutExcluded++;
    }
  }
  return score;
}
