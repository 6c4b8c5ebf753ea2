/** The `run` report: what the store holds for a set of uploads, as one JSON object or as text for a person. */
import type { MismatchKind } from '../functions/core/types.ts';
import { documentIdFor } from '../functions/store/keys.ts';
import { keyOfDocId, type DocumentView, type StoreView } from './pipeline.ts';

/** A stored document as the report shows it: keys instead of docIds (`original`, `duplicateOf` too). */
export type ReportDocument = Omit<DocumentView, 'docId' | 'title'>;

export interface ReportCluster {
  clusterId: string;
  original: string;
  members: { key: string; distance: number | null; dateMismatch: boolean; mismatchKinds: MismatchKind[] }[];
}

/** How far a WARC / JSONL upload got: records done, ranges done of its ranges. */
export interface ReportObject {
  key: string;
  recordsDone: number;
  rangesDone: number;
  rangesTotal: number;
  finished: boolean;
}

/** How the uploads ended: documents recorded, rejected with a reason, and uploads that failed every retry (dead-lettered). */
export interface RunTotals {
  recorded: number;
  rejected: number;
  failed: number;
  /** Records of an object that an overwrite or removal during the run marked deleted. */
  deleted: number;
}

export interface RunReport {
  documents: ReportDocument[];
  clusters: ReportCluster[];
  totals: RunTotals;
  /** WARC / JSONL uploads: how far each got. */
  objects?: ReportObject[];
}

function toReportDocument(view: DocumentView, bucket: string): ReportDocument {
  return {
    key: view.key,
    clusterId: view.clusterId,
    // The report speaks in keys, as uploaded.
    original: view.original === null ? null : keyOfDocId(view.original, bucket),
    duplicateOf: view.duplicateOf === null ? null : keyOfDocId(view.duplicateOf, bucket),
    distance: view.distance,
    dateMismatch: view.dateMismatch,
    mismatchKinds: view.mismatchKinds,
    dateEvidence: view.dateEvidence,
    earlierCopy: view.earlierCopy,
    status: view.status,
    reason: view.reason,
  };
}

function failedDocument(key: string, reason: string): ReportDocument {
  return { key, clusterId: null, original: null, duplicateOf: null, distance: null, dateMismatch: false, mismatchKinds: [], dateEvidence: null, earlierCopy: null, status: 'failed', reason };
}

export function totalsOf(documents: readonly ReportDocument[]): RunTotals {
  const count = (status: string) => documents.filter((document) => document.status === status).length;
  return { recorded: count('recorded'), rejected: count('rejected'), failed: count('failed'), deleted: count('deleted') };
}

/**
 * Collect the report for the uploaded `keys` (every record of a WARC / JSONL file); keys never recorded say why (their
 * last error). A key in `deadLettered` failed every retry: it is reported `failed` even if some of its records were
 * recorded before the failure (they are listed too).
 */
export async function collectReport(
  store: StoreView,
  bucket: string,
  keys: string[],
  lastFailure: (docId: string) => string | undefined,
  deadLettered: ReadonlySet<string> = new Set(),
): Promise<RunReport> {
  const documents: ReportDocument[] = [];
  const objects: ReportObject[] = [];
  for (const key of keys) {
    const progress = await store.objectProgress(bucket, key);
    if (progress) objects.push({ key, ...progress });
    const views = await store.documentsOfObject(bucket, key);
    documents.push(...views.map((view) => toReportDocument(view, bucket)));
    if (views.length > 0 && !deadLettered.has(key)) continue;
    const skipped = views.length === 0 && !deadLettered.has(key) ? await store.skippedRecordsOf(bucket, key) : [];
    if (skipped.length > 0) {
      // A crawl file with no page record (POST captures, a JSON resource) is recorded, with why each record was skipped.
      const reasons = [...new Set(skipped.map((record) => record.reason))];
      const reason = `no page records: ${skipped.length} skipped (${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? '; ...' : ''})`;
      documents.push({ ...failedDocument(key, reason), status: 'no-pages' });
      continue;
    }
    const reason = lastFailure(documentIdFor(bucket, key)) ?? (deadLettered.has(key) ? 'dead-lettered after every retry' : 'not recorded by the ingest');
    documents.push(failedDocument(key, reason));
  }

  const clusters: ReportCluster[] = [];
  for (const clusterId of new Set(documents.flatMap((document) => (document.clusterId ? [document.clusterId] : [])))) {
    const members = (await store.documentsInCluster(clusterId)).map((view) => toReportDocument(view, bucket));
    if (members.length < 2) continue; // a page alone is not a cluster worth reporting
    clusters.push({
      clusterId,
      original: members[0]!.key,
      members: members.map((member) => ({ key: member.key, distance: member.distance, dateMismatch: member.dateMismatch, mismatchKinds: member.mismatchKinds })),
    });
  }
  return { documents, clusters, totals: totalsOf(documents), objects };
}

/** `run`'s exit code: 1 when an upload failed every retry (a script or CI must not take a partial run for a clean one), else 0. */
export function exitCodeOf(report: RunReport): number {
  return report.totals.failed > 0 ? 1 : 0;
}

/** The report's last line: how every upload ended. */
export function formatTotals(totals: RunTotals): string {
  return `recorded ${totals.recorded}, rejected ${totals.rejected}, failed ${totals.failed}${totals.deleted > 0 ? `, deleted ${totals.deleted}` : ''}`;
}

/** One line per date verdict that holds, with its kind and evidence (shared with `archive-dedup mismatches`). */
export function mismatchLines(document: Pick<ReportDocument, 'key' | 'mismatchKinds' | 'dateEvidence' | 'earlierCopy'>): string[] {
  return document.mismatchKinds.map((kind) => {
    const evidence = kind === 'content' ? (document.dateEvidence ?? 'claimed date far from the content') : (document.earlierCopy?.evidence ?? 'claimed date far after its cluster\'s original');
    return `  ${document.key} [${kind}]: ${evidence}`;
  });
}

/** Pages without a near-duplicate named in the text report; the rest are counted. */
const SINGLETONS_NAMED = 10;

export function formatReport(report: RunReport): string {
  const lines: string[] = [];
  const rejected = report.documents.filter((document) => document.status === 'rejected' || document.status === 'failed');
  const mismatches = report.documents.filter((document) => document.dateMismatch);
  lines.push(`${report.documents.length} files: ${report.clusters.length} near-duplicate clusters, ${mismatches.length} date mismatches, ${rejected.length} rejected`);

  for (const object of report.objects ?? []) {
    const state = object.finished ? 'complete' : 'NOT complete';
    lines.push(`${object.key}: ${object.recordsDone} records, ${object.rangesDone}/${object.rangesTotal} ranges done, ${state}`);
  }

  const width = Math.max(0, ...report.documents.map((document) => document.key.length));
  const flag = (member: { mismatchKinds: MismatchKind[] } | undefined) => (member?.mismatchKinds.length ? `  [date mismatch] ${member.mismatchKinds.join(', ')}` : '');
  for (const cluster of report.clusters) {
    const [original, ...copies] = cluster.members;
    lines.push('', `Cluster ${cluster.clusterId} (${cluster.members.length} pages)`, `  original: ${cluster.original.padEnd(width)}${flag(original)}`.trimEnd());
    for (const copy of copies) lines.push(`  copy:     ${copy.key.padEnd(width)}  distance ${copy.distance ?? '?'}${flag(copy)}`);
  }
  const clustered = new Set(report.clusters.flatMap((cluster) => cluster.members.map((member) => member.key)));
  const unique = report.documents.filter((document) => document.status === 'recorded' && !clustered.has(document.key));
  if (unique.length > 0) {
    // Hundreds of keys on one line help nobody: name a few, and point to where they all are.
    const named = unique.slice(0, SINGLETONS_NAMED).map((document) => document.key);
    const more = unique.length - named.length;
    lines.push('', `No near-duplicate (${unique.length}): ${named.join(', ')}${more > 0 ? `, and ${more} more (all in run --json or run --html FILE)` : ''}`);
  }
  if (mismatches.length > 0) {
    lines.push('', 'Date mismatches');
    for (const document of mismatches) lines.push(...mismatchLines(document));
  }
  const withoutPages = report.documents.filter((document) => document.status === 'no-pages');
  if (withoutPages.length > 0) {
    lines.push('', 'No page records');
    for (const document of withoutPages) lines.push(`  ${document.key}: ${document.reason}`);
  }
  if (rejected.length > 0) {
    lines.push('', 'Rejected');
    for (const document of rejected) lines.push(`  ${document.key}: ${document.reason ?? document.status}`);
  }
  lines.push('', formatTotals(report.totals));
  return lines.join('\n');
}
