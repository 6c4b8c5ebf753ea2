/** `fingerprint` and `compare`: the pure core on local files, no servers. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzePage } from '../functions/core/analyze.ts';
import { InputRejected } from '../functions/core/errors.ts';
import { compareFingerprints } from '../functions/core/fingerprint.ts';
import { mismatchKinds } from '../functions/core/dates/verdict.ts';
import type { PageAnalysis } from '../functions/core/types.ts';

export type FileResult = { file: string; analysis: PageAnalysis } | { file: string; error: string; code: string };

/** Analyze one file; every failure becomes a result with a reason code, never an exception. */
export function analyzeFile(file: string): FileResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    return { file, error: `cannot read ${file}: ${reason}`, code: 'unreadable' };
  }
  try {
    return { file, analysis: analyzePage(bytes, { fileName: basename(file) }) };
  } catch (error) {
    if (error instanceof InputRejected) return { file, error: error.message, code: error.code };
    return { file, error: `unexpected failure: ${(error as Error).message}`, code: 'internal' };
  }
}

/**
 * The analysis as printed: everything but the sketch (hundreds of characters a person never reads). One page alone
 * can only hold the `content` kind of date verdict; `earlier-copy` needs its cluster (the store, `run`, `mismatches`).
 */
function printable(file: string, analysis: PageAnalysis): Record<string, unknown> {
  const { sketch: _sketch, ...shown } = analysis;
  return { file, ...shown, mismatchKinds: mismatchKinds(analysis.dateMismatch, false) };
}

/** One JSON line per file; 0 if all were analyzed, 1 if any failed. */
export function fingerprintCommand(files: string[], write: (line: string) => void): number {
  let failed = 0;
  for (const file of files) {
    const result = analyzeFile(file);
    if ('analysis' in result) {
      write(JSON.stringify(printable(file, result.analysis)));
    } else {
      failed += 1;
      write(JSON.stringify(result));
    }
  }
  return failed === 0 ? 0 : 1;
}

export function compareCommand(first: string, second: string, write: (line: string) => void): number {
  const results = [analyzeFile(first), analyzeFile(second)];
  const failures = results.filter((result) => !('analysis' in result));
  if (failures.length > 0) {
    for (const failure of failures) write(JSON.stringify(failure));
    return 1;
  }
  const [a, b] = results.map((result) => ('analysis' in result ? result.analysis : null)) as [PageAnalysis, PageAnalysis];
  const { distance, nearDuplicate, similarity } = compareFingerprints(a, b);
  write(JSON.stringify({ distance, nearDuplicate, similarity: Math.round(similarity * 1000) / 1000 }));
  return 0;
}
