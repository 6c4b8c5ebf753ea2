import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { corpusDir } from '../../local/samples.ts';

/** The shared evaluation corpus: `../shared/corpus` beside the checkout, or $ARCHIVE_DEDUP_CORPUS (one rule, in local/samples.ts). Read only; never copied into the project. */
export const CORPUS_DIR = corpusDir();

export function corpusPath(...parts: string[]): string {
  return join(CORPUS_DIR, ...parts);
}

export function hasCorpus(): boolean {
  return existsSync(corpusPath('README.md'));
}

/** Bytes of a corpus file, gunzipped when it ends in .gz. */
export function readCorpusBytes(...parts: string[]): Buffer {
  const bytes = readFileSync(corpusPath(...parts));
  return parts.at(-1)?.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

export function readCorpusJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(corpusPath(...parts), 'utf8')) as T;
}

export const SEED_PAGE = ['seed', '000_675f98535424584b.txt'] as const;
