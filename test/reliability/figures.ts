/** The suite's running totals and its one-line report (the soak prints the same line). */
import type { AuditFigures } from './audit.ts';

export interface SuiteFigures {
  inputs: number;
  faultsInjected: number;
  lost: number;
  duplicated: number;
  split: number;
  joined: number;
  ghosts: number;
  orphanBands: number;
  deadLetters: number;
  /** Peak RSS of a process that ran the handler, in MB (0 when not measured). */
  peakRssMb: number;
  /** Losses, duplicates, splits, joins and ghosts of cases marked KNOWN DEFECT, kept apart from the asserted figures. */
  knownDefectFailures: number;
}

export function emptyFigures(): SuiteFigures {
  return { inputs: 0, faultsInjected: 0, lost: 0, duplicated: 0, split: 0, joined: 0, ghosts: 0, orphanBands: 0, deadLetters: 0, peakRssMb: 0, knownDefectFailures: 0 };
}

/** Add one case's audit (its known-defect failures stay apart, see auditItems). */
export function addAudit(totals: SuiteFigures, audit: AuditFigures, extra: { faultsInjected?: number; deadLetters?: number } = {}): void {
  totals.inputs += audit.inputs;
  totals.faultsInjected += extra.faultsInjected ?? 0;
  totals.deadLetters += extra.deadLetters ?? 0;
  totals.orphanBands += audit.orphanBands;
  totals.knownDefectFailures += audit.knownDefectFailures;
  totals.lost += audit.lost;
  totals.duplicated += audit.duplicated;
  totals.split += audit.split;
  totals.joined += audit.joined;
  totals.ghosts += audit.ghosts;
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
