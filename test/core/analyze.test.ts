/**
 * The whole pure pipeline (analyzePage) on real pages: the decisions a user sees, end to end through read, extract,
 * fingerprint and dates, with no AWS involved.
 */
import { describe, expect, it } from 'vitest';
import { analyzePage } from '../../functions/core/analyze.ts';
import { InputRejected } from '../../functions/core/errors.ts';
import { compareFingerprints } from '../../functions/core/fingerprint.ts';
import { BANDS_8_LAYOUT, DEFAULT_INDEX_LAYOUT, type IndexLayout } from '../../functions/store/index-layout.ts';
import type { PageAnalysis } from '../../functions/core/types.ts';
import { readCorpusBytes, readCorpusJson, SEED_PAGE } from '../support/corpus.ts';
import { makeRepost, REPOST_KINDS } from '../support/reposts.ts';

const encoder = new TextEncoder();

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An invented site template: navigation, a sidebar, a reader-comment section and a footer around one article. */
function inSiteTemplate(title: string, paragraphs: string[], comments: string[]): Uint8Array {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} | The Velvet Lantern</title></head>
<body>
<header><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/culture">Culture</a> | <a href="/about">About us</a></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Lanterns of the northern coast, a photo essay</a></li><li><a href="/b">Why the tram line was never finished</a></li></ul></aside>
<main><article><h1>${escapeHtml(title)}</h1>
${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
</article>
<section id="comments" class="comments-area"><h2>${comments.length} comments</h2><ol class="commentlist">
${comments.map((comment, index) => `<li class="comment"><div class="comment-author">reader${index}</div><p>${escapeHtml(comment)}</p><a class="reply">Reply</a></li>`).join('\n')}
</ol></section></main>
<footer><p>Copyright 2024 The Velvet Lantern. All rights reserved.</p><p>Privacy | Terms | Cookie settings</p></footer>
</body></html>`;
  return encoder.encode(html);
}

const INVENTED_COMMENTS = [
  'Great piece, thanks for writing it up so clearly.',
  'I disagree with the second half of this, but the reporting is solid and I learned a lot from it.',
  'Does anyone have a link to the original statement? I could not find it anywhere online.',
];

interface GroundTruth {
  articleBody: string;
  url: string;
}

describe('analyzePage on real pages', () => {
  it('the seed page and a copy of its article alone, in an HTML site template with other comments, are near-duplicates', () => {
    const seedBytes = readCorpusBytes(...SEED_PAGE);
    const seed = analyzePage(seedBytes, { fileName: 'seed.txt' });
    // The article alone: the seed's main text as extracted, under another header, wrapped in HTML with invented comments.
    const [title, ...paragraphs] = seedBytes.toString('utf8').split(/\n\s*\n/).slice(1, 8).map((block) => block.trim());
    const copy = analyzePage(inSiteTemplate(title!, paragraphs, INVENTED_COMMENTS), { fileName: 'copy.html' });

    const comparison = compareFingerprints(seed, copy);
    console.log(`seed vs HTML copy: distance ${comparison.distance}, similarity ${comparison.similarity.toFixed(3)}, commentsCut ${copy.commentsCut}`);
    expect(copy.commentsCut).toBeGreaterThan(0);
    expect(comparison.nearDuplicate).toBe(true);
    expect(seed.dateMismatch).toBe(true);
    expect(copy.dateMismatch).toBe(false); // the copy claims no date of its own
  });

  it('different articles wrapped in the same site template, with the same comments, are not near-duplicates', () => {
    const truth = Object.values(readCorpusJson<Record<string, GroundTruth>>('article-extraction-benchmark', 'ground-truth.json'));
    const pages = truth.slice(0, 12).map((entry, index) => {
      const paragraphs = entry.articleBody.split(/\n+/).filter((paragraph) => paragraph.trim().length > 0);
      return analyzePage(inSiteTemplate(`Story number ${index}`, paragraphs, INVENTED_COMMENTS), { fileName: `story-${index}.html` });
    });
    let pairs = 0;
    let highest = 0;
    for (let i = 0; i < pages.length; i++) {
      for (let j = i + 1; j < pages.length; j++) {
        const comparison = compareFingerprints(pages[i]!, pages[j]!);
        highest = Math.max(highest, comparison.similarity);
        pairs++;
        expect(comparison.nearDuplicate, `story ${i} vs story ${j}`).toBe(false);
      }
    }
    console.log(`same template, different articles: ${pairs} pairs, none near-duplicate, highest similarity ${highest.toFixed(3)}`);
  });

  it('finds >= 0.95 of generated reposts the way the store does: through extraction, sharing a partition of the default index layout, confirmed', () => {
    // near-duplicates.test.ts measures the fingerprint on raw text; here the reposts go through the whole core, as
    // uploads do, and a repost counts only if the band lookup would also bring it up as a candidate.
    const bodies = Object.values(readCorpusJson<Record<string, GroundTruth>>('article-extraction-benchmark', 'ground-truth.json')).map((entry) => entry.articleBody);
    const originals = bodies.map((body) => analyzePage(encoder.encode(body), { fileName: 'original.txt' }));
    const shareBand = (a: PageAnalysis, b: PageAnalysis, layout: IndexLayout = DEFAULT_INDEX_LAYOUT): boolean =>
      layout.lookupPartitions(b.simhash, b.weakBits).some((band) => layout.writePartitions(a.simhash).includes(band));
    let found = 0;
    let foundVia8Bands = 0;
    const perKind: string[] = [];
    for (const kind of REPOST_KINDS) {
      let kindFound = 0;
      bodies.forEach((body, index) => {
        const repost = analyzePage(encoder.encode(makeRepost(body, kind, index + 1)), { fileName: 'repost.txt' });
        const original = originals[index]!;
        if (!compareFingerprints(original, repost).nearDuplicate) return;
        if (shareBand(original, repost)) kindFound++;
        if (shareBand(original, repost, BANDS_8_LAYOUT)) foundVia8Bands++;
      });
      perKind.push(`${kind} ${(kindFound / bodies.length).toFixed(2)}`);
      found += kindFound;
    }
    const recall = found / (bodies.length * REPOST_KINDS.length);
    console.log(
      `reposts through analyzePage, band candidate (${DEFAULT_INDEX_LAYOUT.name}, probes included) + decision: recall ${recall.toFixed(3)}; ${perKind.join(', ')}; ` +
        `with ${BANDS_8_LAYOUT.name} instead: ${(foundVia8Bands / (bodies.length * REPOST_KINDS.length)).toFixed(3)}`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('passes its config to every step: a nesting limit set by the caller rejects a page the default accepts', () => {
    const depth = 120;
    const page = encoder.encode(`<html><body>${'<div>'.repeat(depth)}<p>${'A paragraph of text deep inside the page. '.repeat(20)}</p>${'</div>'.repeat(depth)}</body></html>`);
    expect(analyzePage(page, { fileName: 'deep.html' }).mainTextChars).toBeGreaterThan(0);
    expect(() => analyzePage(page, { fileName: 'deep.html' }, { maxHtmlDepth: 60 })).toThrow(InputRejected);
  });
});
