/**
 * Profile of analyzePage on the htmldate pages near 100 KB, for finding where per-page time goes:
 *   node --cpu-prof --cpu-prof-dir=/tmp/archive-dedup-prof --import tsx bench/profile-per-page.ts
 *   npx tsx bench/profile-per-page.ts --summarize /tmp/archive-dedup-prof/<file>.cpuprofile
 * The summary gives self time by module (dependency package or project file) and the top functions.
 */
import { readFileSync } from 'node:fs';
import { analyzePage } from '../functions/core/analyze.ts';
import { htmldatePagesNear } from './support/corpus-pages.ts';
import { printTable } from './support/table.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which package or project file a script URL belongs to. */
function moduleOf(url: string): string {
  if (!url) return '(native / GC / idle)';
  const dependency = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dependency) return dependency[1]!;
  const project = url.match(/\/(functions\/.+|bench\/.+)$/);
  return project ? project[1]! : url.startsWith('node:') ? 'node internals' : url;
}

export function summarizeProfile(path: string, top = 15): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    const module = moduleOf(frame.url);
    byModule.set(module, (byModule.get(module) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} ${module}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const rows = (map: Map<string, number>, label: string, timeLabel = 'self ms') =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => ({ [label]: name, [timeLabel]: micros / 1000, share: `${((100 * micros) / total).toFixed(1)}%` }));
  printTable(`CPU profile ${path}: self time by module`, rows(byModule, 'module'));
  printTable('Top functions by self time', rows(byFunction, 'function'));
  // Inclusive time of the project's functions (and Readability's entry): where a library is called from.
  const inclusive = new Map<string, number>();
  const visit = (id: number, active: Set<string>): number => {
    const node = byId.get(id)!;
    const frame = node.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
    const tracked = (frame.url.includes('/functions/') || (frame.functionName === 'parse' && frame.url.includes('readability'))) && !active.has(name);
    if (tracked) active.add(name);
    let micros = selfMicros.get(id) ?? 0;
    for (const child of node.children ?? []) micros += visit(child, active);
    if (tracked) {
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
      active.delete(name);
    }
    return micros;
  };
  visit(profile.nodes[0]!.id, new Set());
  printTable('Project functions (and Readability parse) by inclusive time', rows(inclusive, 'function', 'inclusive ms'));
}

const args = process.argv.slice(2);
if (args[0] === '--summarize') {
  summarizeProfile(args[1] ?? '');
} else {
  const pages = htmldatePagesNear(80 * 1024, 120 * 1024);
  for (let pass = 0; pass < 3; pass++) {
    for (const page of pages) {
      try {
        analyzePage(page.bytes, { fileName: page.name });
      } catch {
        // rejected pages are part of the real workload too
      }
    }
  }
  console.log(`profiled ${pages.length} pages x 3 passes`);
}
