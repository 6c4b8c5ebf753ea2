/**
 * Memory and time of one very large page (issue 12): each generated page is analyzed by `analyzePage` in a fresh
 * `node` process whose heap is capped as the 1,024 MB function's would be (--max-old-space-size=768), which reports
 * seconds and peak RSS. Baseline measured in the same run: a 2 MB table page forced through the DOM path
 * (linkedom + Readability, the path every page took before) against the same page streamed.
 * Run: `npm run bench -- large-pages` (`--quick`: the three pages of the issue only).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SECURE_DEFAULTS } from '../infra/settings.ts';
import { printTable, verdict, type Row } from './support/table.ts';

const HEAP_MB = SECURE_DEFAULTS.memoryMb - 256;
/** The share of the function's timeout one page's analysis may take here. Lambda at 1,024 MB has ~0.58 vCPU, this machine's core more. */
const BUDGET_SHARE = 0.25;
const MB = 1_000_000;

interface PageSpec {
  name: string;
  shape: 'div' | 'table' | 'dense' | 'text';
  megabytes: number;
  /** Force the DOM path (the baseline). */
  dom?: boolean;
}

interface ChildResult {
  seconds?: number;
  maxRssMb: number;
  extraction?: string;
  error?: string;
}

async function buildPage(spec: PageSpec): Promise<Uint8Array> {
  const { nestedDivPage, tablePage } = await import('../test/support/large-pages.ts');
  const bytes = spec.megabytes * MB;
  if (spec.shape === 'div') return new TextEncoder().encode(nestedDivPage(bytes));
  if (spec.shape === 'table') return new TextEncoder().encode(tablePage(bytes));
  if (spec.shape === 'dense') return new TextEncoder().encode(`<html><head><title>Dense</title></head><body><p>An article paragraph.</p>${'<td>1'.repeat(bytes / 5)}</body></html>`);
  const paragraph = 'The river authority opened the northern floodgates on Tuesday after three days of rain raised the reservoir.\n\n';
  return new TextEncoder().encode(paragraph.repeat(Math.ceil(bytes / paragraph.length)));
}

/** In the child: build the page, analyze it once, print {seconds, maxRssMb}. */
async function child(spec: PageSpec): Promise<void> {
  const { analyzePage } = await import('../functions/core/analyze.ts');
  const bytes = await buildPage(spec);
  const overrides = spec.dom ? { maxDomElements: Number.MAX_SAFE_INTEGER, maxDomHtmlChars: Number.MAX_SAFE_INTEGER } : {};
  const start = performance.now();
  let result: Omit<ChildResult, 'maxRssMb'>;
  try {
    const analysis = analyzePage(bytes, { fileName: spec.shape === 'text' ? 'page.txt' : 'page.html' }, overrides);
    result = { seconds: (performance.now() - start) / 1000, extraction: analysis.extraction };
  } catch (error) {
    result = { seconds: (performance.now() - start) / 1000, error: (error as Error).message };
  }
  console.log(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(spec: PageSpec): ChildResult {
  const script = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', script, '--child', JSON.stringify(spec)], { encoding: 'utf8' });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (line.startsWith('{')) return JSON.parse(line) as ChildResult;
  const oom = /heap out of memory/i.test(run.stderr);
  return { maxRssMb: Number.NaN, error: oom ? `JavaScript heap out of memory (${HEAP_MB} MB heap)` : `exit ${run.status}: ${run.stderr.slice(-300)}` };
}

export async function benchLargePages(options: { quick?: boolean } = {}): Promise<{ budgetMet: boolean }> {
  const timeout = SECURE_DEFAULTS.timeoutSeconds;
  const pages: PageSpec[] = [
    { name: '15 MB nested divs', shape: 'div', megabytes: 15 },
    { name: '8.4 MB table', shape: 'table', megabytes: 8.4 },
    { name: '15 MB table', shape: 'table', megabytes: 15 },
    ...(options.quick
      ? []
      : [
          { name: '16 MB of <td>1 (4 M elements)', shape: 'dense', megabytes: 16 } as PageSpec,
          { name: '15 MB plain text', shape: 'text', megabytes: 15 } as PageSpec,
        ]),
  ];
  const rows: Row[] = [];
  let budgetMet = true;
  for (const page of pages) {
    const result = runChild(page);
    const withinBudget = result.seconds !== undefined && !result.error && result.seconds <= timeout * BUDGET_SHARE;
    budgetMet &&= withinBudget;
    rows.push({
      page: page.name,
      path: result.extraction ?? '',
      seconds: result.seconds === undefined ? '' : result.seconds.toFixed(1),
      'share of 60 s': result.seconds === undefined ? '' : `${((100 * result.seconds) / timeout).toFixed(0)}%`,
      'peak RSS MB': Number.isNaN(result.maxRssMb) ? '' : result.maxRssMb.toFixed(0),
      outcome: result.error ?? 'recorded',
    });
  }
  const baseline = { name: '2 MB table', shape: 'table', megabytes: 2 } as const;
  const dom = runChild({ ...baseline, dom: true });
  const streamed = runChild(baseline);
  for (const [label, result] of [['2 MB table, DOM path forced (baseline)', dom], ['2 MB table, streamed', streamed]] as const) {
    rows.push({ page: label, path: result.extraction ?? '', seconds: result.seconds?.toFixed(2) ?? '', 'share of 60 s': '', 'peak RSS MB': result.maxRssMb.toFixed(0), outcome: result.error ?? 'recorded' });
  }
  const ratio = dom.seconds && streamed.seconds ? dom.seconds / streamed.seconds : Number.NaN;
  printTable(
    `One very large page, analyzePage in a fresh process with a ${HEAP_MB} MB heap (function: ${SECURE_DEFAULTS.memoryMb} MB, ${timeout} s)`,
    rows,
    `streaming vs DOM path on the same 2 MB table: ${ratio.toFixed(1)}x faster, peak RSS ${streamed.maxRssMb.toFixed(0)} vs ${dom.maxRssMb.toFixed(0)} MB; ` +
      `every page within ${BUDGET_SHARE * 100}% of the timeout here: ${verdict(budgetMet)}`,
  );
  return { budgetMet };
}

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]!) as PageSpec);
