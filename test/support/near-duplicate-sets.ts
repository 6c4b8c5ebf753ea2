/**
 * The labelled text pairs the near-duplicate decision is chosen and scored on, in one place for the quality test
 * (test/core/near-duplicates.test.ts) and the feature study (scripts/near-duplicate-features.ts): the human-judged
 * Webis pairs of ../shared/corpus, and sets generated from the extraction benchmark's article bodies (reposts,
 * different articles, the same site template, short pages that are mostly template). Texts are read at run time.
 */
import { readFileSync } from 'node:fs';
import { corpusPath, readCorpusJson } from './corpus.ts';
import { firstWords, inHeavyTemplate, makeRepost, REPOST_KINDS } from './reposts.ts';

export interface TextPair {
  /** 'webis', or a generated set: 'reposts', 'different', 'same-template', 'mostly-template'. */
  set: string;
  /** Pairs of one group (one Webis pair, one article and what is generated from it) always fall in the same fold. */
  group: string;
  positive: boolean;
  /** A generated pair whose label is certain (the threshold search never accepts a false match on one). */
  hard: boolean;
  left: string;
  right: string;
}

interface WebisPair {
  label: number;
  left_text: string;
  right_text: string;
}

export function articleBodies(): string[] {
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  return Object.values(truth).map((entry) => entry.articleBody);
}

/** The 238 Webis pairs (label >= 1 = near-duplicate), in file order: group `webis:<line index>`. */
export function webisTextPairs(): TextPair[] {
  const folder = corpusPath('webis-near-duplicates');
  const lines = readFileSync(`${folder}/pairs.jsonl`, 'utf8').trim().split('\n');
  return lines.map((line, index) => {
    const pair = JSON.parse(line) as WebisPair;
    const read = (path: string) => readFileSync(`${folder}/${path}`, 'utf8');
    return { set: 'webis', group: `webis:${index}`, positive: pair.label >= 1, hard: false, left: read(pair.left_text), right: read(pair.right_text) };
  });
}

/** Per article body: its 7 kinds of repost, the next article, both in one heavy template, and two mostly-template pairs. */
export function generatedTextPairs(): TextPair[] {
  const bodies = articleBodies();
  const pairs: TextPair[] = [];
  bodies.forEach((body, index) => {
    const group = `article:${index}`;
    const next = bodies[(index + 1) % bodies.length]!;
    const add = (set: string, positive: boolean, left: string, right: string) => pairs.push({ set, group, positive, hard: true, left, right });
    for (const kind of REPOST_KINDS) add('reposts', true, body, makeRepost(body, kind, index + 1));
    add('different', false, body, next);
    add('same-template', false, inHeavyTemplate(body, 3), inHeavyTemplate(next, 3));
    // A short page that is mostly the site's template, against a long and a short page of the same site.
    add('mostly-template', false, inHeavyTemplate(firstWords(body, 40), 3), inHeavyTemplate(next, 3));
    add('mostly-template', false, inHeavyTemplate(firstWords(body, 40), 3), inHeavyTemplate(firstWords(next, 60), 3));
  });
  return pairs;
}
