/**
 * Per-page compute, split by step: the same steps as functions/core/analyze.ts (read, parse, claimed date,
 * Readability extract, fingerprint, content dates + verdict), each timed, on the article-extraction-benchmark pages
 * (gzip as stored) and on the htmldate pages near 100 KB. The real analyzePage is timed on the same pages in the
 * same run, as the check that the split adds up. Target: whole per-page compute under 30 ms median for a 100 KB page.
 */
import { analyzePage } from '../functions/core/analyze.ts';
import { resolveCoreConfig } from '../functions/core/config.ts';
import { findClaimedDate, findContentDates, judgeDates } from '../functions/core/dates/index.ts';
import { extractFromHtml, extractFromText } from '../functions/core/extract.ts';
import { fingerprintText } from '../functions/core/fingerprint.ts';
import { parseHtml } from '../functions/core/html.ts';
import { readPage } from '../functions/core/read.ts';
import { extractionBenchmarkPages, htmldatePagesNear, type BenchPage } from './support/corpus-pages.ts';
import { median, printTable, quantile, sum, verdict, type Row } from './support/table.ts';

const STEPS = ['read', 'parse', 'claimed date', 'readability extract', 'fingerprint', 'content dates'] as const;
type Step = (typeof STEPS)[number];
type StepTimes = Record<Step, number>;

const TARGET_MEDIAN_MS = 30;
/** Timed passes over each set after one warm-up pass; each page's time is its median (here: mean) over the passes. */
const PASSES = 2;

/** analyzePage's steps with a clock around each (html and text pages, as analyze.ts branches). */
function analyzeTimed(page: BenchPage): StepTimes {
  const config = resolveCoreConfig();
  const hints = { fileName: page.name };
  const times = {} as StepTimes;
  let mark = performance.now();
  const lap = (step: Step) => {
    const now = performance.now();
    times[step] = now - mark;
    mark = now;
  };
  const decoded = readPage(page.bytes, hints, config);
  lap('read');
  if (decoded.kind === 'html') {
    const document = parseHtml(decoded.text);
    lap('parse');
    const claimed = findClaimedDate({ document, text: decoded.text });
    lap('claimed date');
    const extracted = extractFromHtml(document, hints);
    lap('readability extract');
    fingerprintText(extracted.mainText);
    lap('fingerprint');
    judgeDates(claimed, findContentDates(extracted.mainText, extracted.commentsText), config);
    lap('content dates');
  } else {
    times.parse = 0;
    mark = performance.now();
    const claimed = findClaimedDate({ text: decoded.text });
    lap('claimed date');
    const extracted = extractFromText(decoded.text);
    lap('readability extract');
    fingerprintText(extracted.mainText);
    lap('fingerprint');
    judgeDates(claimed, findContentDates(extracted.mainText, extracted.commentsText), config);
    lap('content dates');
  }
  return times;
}

function timeWhole(page: BenchPage): number {
  const start = performance.now();
  analyzePage(page.bytes, { fileName: page.name });
  return performance.now() - start;
}

/** Pages some step rejects (no text) are left out of the timings: they never reach the fingerprint. Doubles as the warm-up pass. */
function analyzable(pages: BenchPage[]): BenchPage[] {
  return pages.filter((page) => {
    try {
      analyzePage(page.bytes, { fileName: page.name });
      return true;
    } catch {
      return false;
    }
  });
}

interface SetResult {
  label: string;
  pages: number;
  medianKb: number;
  steps: Record<Step, number[]>;
  stepSums: number[];
  whole: number[];
}

function measureSet(label: string, all: BenchPage[]): SetResult {
  const pages = analyzable(all);
  const perPass: StepTimes[][] = [];
  const wholePerPass: number[][] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    perPass.push(pages.map(analyzeTimed));
    wholePerPass.push(pages.map(timeWhole));
  }
  const steps = Object.fromEntries(STEPS.map((step) => [step, pages.map((_, i) => median(perPass.map((pass) => pass[i]![step])))])) as Record<Step, number[]>;
  return {
    label,
    pages: pages.length,
    medianKb: median(pages.map((page) => page.htmlBytes)) / 1024,
    steps,
    stepSums: pages.map((_, i) => sum(STEPS.map((step) => steps[step][i]!))),
    whole: pages.map((_, i) => median(wholePerPass.map((pass) => pass[i]!))),
  };
}

export interface PerPageResult {
  sets: SetResult[];
  targetMet: boolean;
}

export async function benchPerPage(options: { quick?: boolean } = {}): Promise<PerPageResult> {
  const extraction = extractionBenchmarkPages();
  const near100k = htmldatePagesNear(80 * 1024, 120 * 1024);
  const sets = [
    measureSet('article-extraction-benchmark (html.gz)', options.quick ? extraction.slice(0, 40) : extraction),
    measureSet('htmldate pages 80-120 KB', near100k),
  ];
  for (const set of sets) {
    const totalMedian = sum(STEPS.map((step) => median(set.steps[step])));
    const rows: Row[] = STEPS.map((step) => ({
      step,
      'median ms': median(set.steps[step]),
      'p95 ms': quantile(set.steps[step], 0.95),
      'share of time': `${((100 * sum(set.steps[step])) / sum(set.stepSums)).toFixed(1)}%`,
    }));
    rows.push({ step: 'sum of steps', 'median ms': median(set.stepSums), 'p95 ms': quantile(set.stepSums, 0.95), 'share of time': '100%' });
    rows.push({ step: 'analyzePage (baseline: the real function)', 'median ms': median(set.whole), 'p95 ms': quantile(set.whole, 0.95), 'share of time': '' });
    printTable(`Per-page compute: ${set.label}, ${set.pages} pages, median ${set.medianKb.toFixed(0)} KB of HTML`, rows, `(sum of step medians ${totalMedian.toFixed(2)} ms; each page timed as the mean of ${PASSES} passes after a warm-up pass)`);
  }
  const near = sets[1]!;
  const targetMet = median(near.whole) < TARGET_MEDIAN_MS;
  console.log(`per-page target (< ${TARGET_MEDIAN_MS} ms median for a ~100 KB page): ${median(near.whole).toFixed(1)} ms -> ${verdict(targetMet)}`);
  return { sets, targetMet };
}
