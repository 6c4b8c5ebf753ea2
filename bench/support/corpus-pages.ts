/** Corpus pages for the benchmarks, read from the shared corpus (never copied into the project). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { corpusPath, hasCorpus, readCorpusJson } from '../../test/support/corpus.ts';

export interface BenchPage {
  name: string;
  /** The bytes as stored (gzip for the extraction benchmark). */
  bytes: Buffer;
  /** Size of the HTML once decompressed. */
  htmlBytes: number;
}

export function requireCorpus(): void {
  if (!hasCorpus()) throw new Error(`the evaluation corpus is missing: set ARCHIVE_DEDUP_CORPUS or place it at ${corpusPath()}`);
}

/** The 181 article-extraction-benchmark pages, gzip as stored. */
export function extractionBenchmarkPages(): BenchPage[] {
  requireCorpus();
  const folder = corpusPath('article-extraction-benchmark', 'html');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.html.gz'))
    .sort()
    .map((name) => {
      const bytes = readFileSync(`${folder}/${name}`);
      return { name, bytes, htmlBytes: bytes.readUInt32LE(bytes.length - 4) }; // gzip ISIZE trailer: inflated size mod 2^32
    });
}

/** htmldate pages whose HTML is within [minBytes, maxBytes] (the "100 KB page" of the per-page target). */
export function htmldatePagesNear(minBytes: number, maxBytes: number): BenchPage[] {
  requireCorpus();
  const pages: BenchPage[] = [];
  for (const sub of ['cache', 'eval', 'test_set']) {
    const folder = corpusPath('htmldate', sub);
    for (const name of readdirSync(folder).sort()) {
      const path = `${folder}/${name}`;
      const size = statSync(path).size;
      if (size >= minBytes && size <= maxBytes) pages.push({ name: `${sub}/${name}`, bytes: readFileSync(path), htmlBytes: size });
    }
  }
  return pages;
}

/** Article texts with ground truth: the extraction benchmark bodies and both sides of every Webis pair. */
export function corpusTexts(): string[] {
  requireCorpus();
  const truth = readCorpusJson<Record<string, { articleBody: string }>>('article-extraction-benchmark', 'ground-truth.json');
  const texts = Object.values(truth).map((entry) => entry.articleBody);
  const pairs = readFileSync(corpusPath('webis-near-duplicates', 'pairs.jsonl'), 'utf8').split('\n').filter(Boolean);
  for (const line of pairs) {
    const pair = JSON.parse(line) as { left_text: string; right_text: string };
    for (const path of [pair.left_text, pair.right_text]) texts.push(readFileSync(corpusPath('webis-near-duplicates', path), 'utf8'));
  }
  return [...new Set(texts)];
}
