/**
 * The end-to-end workload: corpus pages as originals, plus near-duplicate variants (a few words edited, another
 * title) and exact copies (same bytes, another key). Generated in memory at run time; nothing is written to the project.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { corpusPath } from '../../test/support/corpus.ts';
import { shuffled } from '../../test/support/random.ts';
import { requireCorpus } from './corpus-pages.ts';

export type UploadKind = 'original' | 'near-duplicate' | 'exact-duplicate';

export interface Upload {
  key: string;
  body: Buffer;
  kind: UploadKind;
  /** Key of the original a duplicate was made from. */
  of?: string;
}

/** Every HTML page of the corpus (extraction benchmark gunzipped, htmldate, trafilatura), in a fixed order. */
export function corpusHtmlPages(): { name: string; html: Buffer }[] {
  requireCorpus();
  const pages: { name: string; html: Buffer }[] = [];
  const add = (folder: string[], transform: (bytes: Buffer) => Buffer = (bytes) => bytes) => {
    const dir = corpusPath(...folder);
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.html') || name.endsWith('.html.gz')) pages.push({ name: `${folder.join('-')}-${name.replace(/\.gz$/, '')}`, html: transform(readFileSync(`${dir}/${name}`)) });
    }
  };
  add(['article-extraction-benchmark', 'html'], gunzipSync);
  for (const sub of ['cache', 'eval', 'test_set']) add(['htmldate', sub]);
  for (const sub of ['cache', 'eval']) add(['trafilatura', sub]);
  return pages;
}

const EDITABLE_WORD = / (the|and|of|in|to|a) /g;

/**
 * A near-duplicate of an HTML page: every `editEvery`-th common word in the page's text replaced, and the title
 * changed, as a light repost edit does. Latin-1 round trip so bytes of any charset outside the edits stay as they were.
 */
export function nearDuplicateHtml(html: Buffer, editEvery = 12): Buffer {
  let seen = 0;
  const text = html.toString('latin1').replace(/>([^<]{40,})</g, (segment) =>
    segment.replace(EDITABLE_WORD, (word) => (++seen % editEvery === 0 ? ' these ' : word)),
  );
  return Buffer.from(text.replace(/<title>/i, '<title>Repost: '), 'latin1');
}

/**
 * `total` uploads: half originals (at most the pool), then 60% near-duplicates and 40% exact copies of them,
 * shuffled; originals come first so most duplicates find their original already stored.
 */
export function buildWorkload(pool: { name: string; html: Buffer }[], total: number): Upload[] {
  const originals: Upload[] = pool.slice(0, Math.min(pool.length, Math.ceil(total / 2))).map((page) => ({ key: `orig/${page.name}`, body: page.html, kind: 'original' }));
  const duplicates: Upload[] = [];
  for (let i = 0; originals.length + duplicates.length < total; i++) {
    const original = originals[i % originals.length]!;
    const round = Math.floor(i / originals.length);
    const name = original.key.slice('orig/'.length);
    duplicates.push(
      i % 5 < 3
        ? { key: `near/${round}/${name}`, body: nearDuplicateHtml(original.body, 12 + round), kind: 'near-duplicate', of: original.key }
        : { key: `copy/${round}/${name}`, body: original.body, kind: 'exact-duplicate', of: original.key },
    );
  }
  return [...originals, ...shuffled(duplicates, 7)];
}
