/** The suite's running totals and its one-line report (the soak prints the same line). */
import type { AuditFigures } from './audit.ts';

/** The audit's counts summed over the suite's cases, plus what only the runs know. */
export interface SuiteFigures extends Omit<AuditFigures, 'problems'> {
  faultsInjected: number;
  deadLetters: number;
  /** Peak RSS of a process that ran the handler, in MB (0 when not measured). */
  peakRssMb: number;
}

/** The audit counts that are summed case by case. */
const AUDIT_COUNTS = ['inputs', 'lost', 'duplicated', 'split', 'joined', 'ghosts', 'orphanBands', 'knownDefectFailures'] as const satisfies readonly (keyof AuditFigures)[];

export function emptyFigures(): SuiteFigures {
  return { inputs: 0, faultsInjected: 0, lost: 0, duplicated: 0, split: 0, joined: 0, ghosts: 0, orphanBands: 0, deadLetters: 0, peakRssMb: 0, knownDefectFailures: 0 };
}

/** Add one case's audit (its known-defect failures stay apart, see auditItems). */
export function addAudit(totals: SuiteFigures, audit: AuditFigures, extra: { faultsInjected?: number; deadLetters?: number } = {}): void {
  for (const count of AUDIT_COUNTS) totals[count] += audit[count];
  totals.faultsInjected += extra.faultsInjected ?? 0;
  totals.deadLetters += extra.deadLetters ?? 0;
}

export function formatFigures(figures: SuiteFigures): string {
  return (
    `reliability: inputs ${figures.inputs}, faults injected ${figures.faultsInjected}, documents lost ${figures.lost}, ` +
    `duplicated records ${figures.duplicated}, clusters split ${figures.split}, wrongly joined ${figures.joined}, ghost duplicates ${figures.ghosts}, ` +
    `dead letters ${figures.deadLetters}, orphan band items ${figures.orphanBands}, peak RSS ${figures.peakRssMb.toFixed(0)} MB` +
    (figures.knownDefectFailures > 0 ? `, KNOWN DEFECT failures ${figures.knownDefectFailures}` : '')
  );
}

/** The totals the suite's test files share (one vitest file imports every suite, so one module instance). */
export const suiteFigures: SuiteFigures = emptyFigures();
