/**
 * The bundled samples for `run` with no folder: built at run time in a temporary folder, never stored in the
 * project. The corpus seed page (a June 2021 header on April 2018 content) plus reposts of its article generated
 * here, and the invented pages in samples/ (unrelated articles and a bad input).
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { extractFromText } from '../functions/core/extract.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLES_DIR = join(REPO_ROOT, 'samples');
const SEED_PARTS = ['seed', '000_675f98535424584b.txt'] as const;

export function corpusDir(): string {
  return process.env.ARCHIVE_DEDUP_CORPUS ?? resolve(REPO_ROOT, '../shared/corpus');
}

export interface SampleSet {
  dir: string;
  /** File name (relative to dir) of the seed page, when the corpus was there. */
  seed: string | null;
  /** Names of the reposts generated from the seed. */
  reposts: string[];
  note: string;
}

/** Words swapped in one repost, as a light rewrite would. */
const REWORDINGS: [RegExp, string][] = [
  [/\brevealed\b/, 'disclosed'],
  [/\bseveral\b/, 'a number of'],
  [/\bdeployed\b/, 'moved'],
  [/\blikely\b/, 'probably'],
];

const INVENTED_COMMENTS = [
  'Harbourwatcher: Thanks for collecting this, hard to find elsewhere.',
  'R. Okafor: Is there a map of the area anywhere? The names are new to me.',
].join('\n\n');

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function asHtmlInTemplate(title: string, paragraphs: string[], published: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | The Daily Relay</title>
<meta property="article:published_time" content="${published}"></head>
<body>
<header><a href="/">The Daily Relay</a> <nav><a href="/world">World</a> <a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>${escapeHtml(title)}</h1>
${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Ten tips for a quieter commute</a></li><li><a href="/b">Rain expected through the weekend</a></li></ul></aside></main>
<footer>Copyright The Daily Relay. <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>
`;
}

/** Reposts of the seed's article, each under a claimed date a little after the content (so the seed ranks first). */
export function repostsOf(seedText: string): Record<string, Uint8Array | string> {
  const { title, mainText } = extractFromText(seedText);
  const heading = title ?? mainText.split('\n')[0] ?? '';
  const article = mainText.startsWith(heading) ? mainText.slice(heading.length).trim() : mainText;
  const reworded = REWORDINGS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), article);
  return {
    'repost-clean.txt': `Posted on 12 May 2018\n\n${heading}\n\n${article}\n`,
    'repost-reworded.txt': `Posted on 20 May 2018\n\n${heading}\n\n${reworded}\n\nComments\n\n${INVENTED_COMMENTS}\n`,
    'repost-compressed.txt.gz': gzipSync(`Posted on 28 May 2018\n\n${heading}\n\n${article}\n`),
    'repost-site.html': asHtmlInTemplate(heading, article.split(/\n\s*\n/), '2018-06-03T10:00:00Z'),
  };
}

/** Build the sample folder. Without the corpus, the invented samples alone (the note says so). */
export function buildSamples(): SampleSet {
  const dir = mkdtempSync(join(tmpdir(), 'archive-dedup-samples-'));
  for (const name of readdirSync(SAMPLES_DIR)) copyFileSync(join(SAMPLES_DIR, name), join(dir, name));

  const seedPath = join(corpusDir(), ...SEED_PARTS);
  if (!existsSync(seedPath)) {
    return { dir, seed: null, reposts: [], note: `corpus not found at ${corpusDir()} (set ARCHIVE_DEDUP_CORPUS): running on samples/ alone` };
  }
  const seedText = readFileSync(seedPath, 'utf8');
  const seed = 'seed-june-2021.txt';
  writeFileSync(join(dir, seed), seedText);
  const reposts = repostsOf(seedText);
  for (const [name, content] of Object.entries(reposts)) writeFileSync(join(dir, name), content);
  return { dir, seed, reposts: Object.keys(reposts), note: `seed page from ${seedPath}, ${Object.keys(reposts).length} reposts generated, plus samples/` };
}
