import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveCoreConfig } from '../../functions/core/config.ts';
import { InputRejected } from '../../functions/core/errors.ts';
import { findClaimedDate, findContentDates, judgeDates } from '../../functions/core/dates/index.ts';
import { extractFromHtml, extractFromText } from '../../functions/core/extract.ts';
import { parseHtml } from '../../functions/core/html.ts';
import { readPage } from '../../functions/core/read.ts';
import { corpusPath, corpusForTests, readCorpusBytes, readCorpusJson, SEED_PAGE } from '../support/corpus.ts';

const config = resolveCoreConfig();

describe.runIf(corpusForTests())('dates on the seed page (plain text, claimed June 2021, covers April 2018)', () => {
  it('claims 2021-06 from the header, covers 2018-04, and is flagged', () => {
    const decoded = readPage(readCorpusBytes(...SEED_PAGE), { fileName: SEED_PAGE[1] }, config);
    const claimed = findClaimedDate({ text: decoded.text });
    expect(claimed).toMatchObject({ value: '2021-06', precision: 'month', source: 'header' });

    // The article's "On April 5" / "April 4" carry no year; the comments' "April 5, 2018 at 22:19" supplies it.
    const extracted = extractFromText(decoded.text);
    const content = findContentDates(extracted.mainText, extracted.commentsText);
    expect(content).toMatchObject({ from: 'article', dominant: { value: '2018-04', precision: 'month' }, latest: { value: '2018-04-05' } });

    const verdict = judgeDates(claimed, content, config);
    console.log(`seed: ${verdict.dateEvidence}`);
    expect(verdict).toMatchObject({ dateMismatch: true, dateGapDays: 1153 });
  });
});

interface HtmldateEntry {
  url?: string;
  date?: string | null;
  date_is_gold?: boolean;
}

describe.runIf(corpusForTests())('dates on the htmldate gold pages', () => {
  it('finds the gold publication date, and does not flag pages whose claimed date is right', () => {
    const { pages } = readCorpusJson<{ pages: Record<string, HtmldateEntry> }>('htmldate', 'expected.json');
    let total = 0;
    let found = 0;
    let correct = 0;
    let judged = 0;
    // Read as an upload is read (no URL): the rules of issue 13 were developed on fold A's misses, fold B is held out.
    const withoutUrl = { A: { correct: 0, total: 0 }, B: { correct: 0, total: 0 } };
    const flagged: string[] = [];
    const judgedInFold = { A: 0, B: 0 };
    for (const [file, entry] of Object.entries(pages)) {
      if (!entry.date || !entry.date_is_gold) continue;
      total += 1;
      const decoded = readPage(readFileSync(corpusPath('htmldate', file)), { fileName: file, url: entry.url }, config);
      const document = parseHtml(decoded.text);
      const fold = withoutUrl[pageFold(file)];
      fold.total += 1;
      const uploaded = findClaimedDate({ document, text: decoded.text, objectKey: file });
      if (uploaded?.precision === 'day' && uploaded.value === entry.date) fold.correct += 1;
      const claimed = findClaimedDate({ document, text: decoded.text, url: entry.url });
      if (!claimed) continue;
      found += 1;
      if (claimed.precision !== 'day' || claimed.value !== entry.date) continue;
      correct += 1;
      // The claim is right here, so any mismatch verdict is a false alarm.
      let extracted;
      try {
        extracted = extractFromHtml(document, { url: entry.url, fileName: file });
      } catch (error) {
        // A page with no article text is rejected by the pipeline before any verdict: nothing to judge.
        if (error instanceof InputRejected) continue;
        throw error;
      }
      const verdict = judgeDates(claimed, findContentDates(extracted.mainText, extracted.commentsText), config);
      judged += 1;
      judgedInFold[pageFold(file)] += 1;
      if (verdict.dateMismatch) flagged.push(`${pageFold(file)} ${file}: ${verdict.dateEvidence}`);
    }
    const accuracy = correct / total;
    const falseMismatchRate = flagged.length / judged;
    console.log(`htmldate claimed date: accuracy ${accuracy.toFixed(3)}, precision ${(correct / found).toFixed(3)}, recall ${(found / total).toFixed(3)} (${correct} correct, ${found} found, ${total} gold)`);
    const uploadedAccuracy = (withoutUrl.A.correct + withoutUrl.B.correct) / total;
    const foldFigure = (f: { correct: number; total: number }): string => `${(f.correct / f.total).toFixed(3)} (${f.correct}/${f.total})`;
    console.log(`htmldate claimed date without a URL: accuracy ${uploadedAccuracy.toFixed(3)}; fold A (developed on) ${foldFigure(withoutUrl.A)}, fold B (held out) ${foldFigure(withoutUrl.B)}`);
    const flaggedIn = (fold: 'A' | 'B'): string => `${flagged.filter((f) => f.startsWith(fold)).length} of ${judgedInFold[fold]}`;
    console.log(`htmldate false mismatch rate: ${falseMismatchRate.toFixed(3)} (${flagged.length} of ${judged} pages with the right claimed date; fold A ${flaggedIn('A')}, fold B ${flaggedIn('B')})\n  ${flagged.join('\n  ')}`);
    expect(total).toBe(500);
    expect(accuracy).toBeGreaterThanOrEqual(HTMLDATE_ACCURACY_FLOOR);
    expect(uploadedAccuracy).toBeGreaterThanOrEqual(HTMLDATE_WITHOUT_URL_FLOOR);
    expect(falseMismatchRate).toBeLessThan(FALSE_MISMATCH_CEILING);
    // 500 pages, claimed dates read twice (with and without the URL): about 150 s on the shared 2-core machine.
  }, 300_000);
});

/** The project target (htmldate 1.10 extensive: 0.903 on its own 1000-page set); measured 0.920 (460/500). */
const HTMLDATE_ACCURACY_FLOOR = 0.9;
/** Without a URL (an upload): 0.896 before issue 13's rules, measured 0.920 after (held-out fold 0.910); issue 13's target is 0.92. */
const HTMLDATE_WITHOUT_URL_FLOOR = 0.9;

/** Issue 13: false mismatches < 2%. 2.4% (11 of 453) before one date written twice stopped counting as a period. */
const FALSE_MISMATCH_CEILING = 0.02;

/** Two fixed folds of the gold pages by a hash of the file name: rules were developed on A's misses, B is held out. */
function pageFold(file: string): 'A' | 'B' {
  return Number.parseInt(createHash('sha1').update(file).digest('hex').slice(0, 2), 16) % 2 === 0 ? 'A' : 'B';
}
