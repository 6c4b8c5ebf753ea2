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

/**
 * Whether the corpus tests run: the one rule for every test that reads `../shared/corpus`
 * (`describe.runIf(corpusForTests())`). Present: true. Missing in CI (`CI` set, as CI services set it): throws, so the
 * test file fails instead of skipping silently and a green run never means "nothing measured". Missing locally: false,
 * with the reason printed once per test file.
 */
export function corpusForTests(context: { present?: boolean; ci?: string | undefined; warn?: (message: string) => void } = {}): boolean {
  const { present = hasCorpus(), warn = warnOnce } = context;
  // `'ci' in context`, not a default: a caller that passes ci: undefined means "not in CI", whatever CI this runs in.
  const ci = 'ci' in context ? context.ci : process.env.CI;
  if (present) return true;
  const reason = `the evaluation corpus is missing at ${CORPUS_DIR} (set ARCHIVE_DEDUP_CORPUS or place it there)`;
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') throw new Error(`${reason}: CI must run the corpus tests, not skip them`);
  warn(`${reason}: skipping the tests that read it`);
  return false;
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
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
