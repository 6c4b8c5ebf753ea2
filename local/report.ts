/** The `run` report: what the store holds for a set of uploads, as one JSON object or as text for a person. */
import type { DocumentView, StoreView } from './pipeline.ts';

/** A stored document as the report shows it: keys instead of docIds (`original`, `duplicateOf` too). */
export type ReportDocument = Omit<DocumentView, 'docId' | 'title'>;

export interface ReportCluster {
  clusterId: string;
  original: string;
  members: { key: string; distance: number | null; dateMismatch: boolean }[];
}

/** How far a WARC / JSONL upload got: records done, ranges done of its ranges. */
export interface ReportObject {
  key: string;
  recordsDone: number;
  rangesDone: number;
  rangesTotal: number;
  finished: boolean;
}

/** A message that failed every delivery (the dead-letter queue), with the last error. */
export interface ReportDeadLetter {
  keys: string[];
  receiveCount: number;
  lastError: string;
}

export interface RunReport {
  documents: ReportDocument[];
  clusters: ReportCluster[];
  objects?: ReportObject[];
  deadLetters?: ReportDeadLetter[];
}

/** docIds are `<bucket>/<key>` (`#<recordId>` for a record of a WARC / JSONL file): the report speaks in keys, as uploaded. */
function keyOfDocId(docId: string | null, bucket: string): string | null {
  if (docId === null) return null;
  return docId.startsWith(`${bucket}/`) ? docId.slice(bucket.length + 1) : docId;
}

function toReportDocument(view: DocumentView, bucket: string): ReportDocument {
  return {
    key: view.key,
    clusterId: view.clusterId,
    original: keyOfDocId(view.original, bucket),
    duplicateOf: keyOfDocId(view.duplicateOf, bucket),
    distance: view.distance,
    dateMismatch: view.dateMismatch,
    dateEvidence: view.dateEvidence,
    status: view.status,
    reason: view.reason,
  };
}

/** Collect the report for the uploaded `keys` (every record of a WARC / JSONL file); keys never recorded say why (their last error). */
export async function collectReport(store: StoreView, bucket: string, keys: string[], lastFailure: (docId: string) => string | undefined): Promise<RunReport> {
  const documents: ReportDocument[] = [];
  const objects: ReportObject[] = [];
  for (const key of keys) {
    const progress = await store.objectProgress(bucket, key);
    if (progress) objects.push({ key, ...progress });
    const views = await store.documentsOfObject(bucket, key);
    if (views.length > 0) {
      documents.push(...views.map((view) => toReportDocument(view, bucket)));
      continue;
    }
    const reason = lastFailure(`${bucket}/${key}`) ?? 'not recorded by the ingest';
    documents.push({ key, clusterId: null, original: null, duplicateOf: null, distance: null, dateMismatch: false, dateEvidence: null, status: 'failed', reason });
  }

  const clusters: ReportCluster[] = [];
  for (const clusterId of new Set(documents.flatMap((document) => (document.clusterId ? [document.clusterId] : [])))) {
    const members = (await store.documentsInCluster(clusterId)).map((view) => toReportDocument(view, bucket));
    if (members.length < 2) continue; // a page alone is not a cluster worth reporting
    clusters.push({
      clusterId,
      original: members[0]!.key,
      members: members.map((member) => ({ key: member.key, distance: member.distance, dateMismatch: member.dateMismatch })),
    });
  }
  return { documents, clusters, objects };
}

export function formatReport(report: RunReport): string {
  const lines: string[] = [];
  const rejected = report.documents.filter((document) => document.status === 'rejected' || document.status === 'failed');
  const mismatches = report.documents.filter((document) => document.dateMismatch);
  lines.push(`${report.documents.length} files: ${report.clusters.length} near-duplicate clusters, ${mismatches.length} date mismatches, ${rejected.length} rejected`);

  for (const object of report.objects ?? []) {
    const state = object.finished ? 'complete' : 'NOT complete';
    lines.push(`${object.key}: ${object.recordsDone} records, ${object.rangesDone}/${object.rangesTotal} ranges done, ${state}`);
  }
  for (const dead of report.deadLetters ?? []) lines.push(`Dead letter after ${dead.receiveCount} receives (${dead.keys.join(', ') || 'message'}): ${dead.lastError}`);

  const width = Math.max(0, ...report.documents.map((document) => document.key.length));
  const flag = (dateMismatch: boolean) => (dateMismatch ? '  [date mismatch]' : '');
  for (const cluster of report.clusters) {
    const [original, ...copies] = cluster.members;
    lines.push('', `Cluster ${cluster.clusterId} (${cluster.members.length} pages)`, `  original: ${cluster.original.padEnd(width)}${flag(original?.dateMismatch ?? false)}`.trimEnd());
    for (const copy of copies) lines.push(`  copy:     ${copy.key.padEnd(width)}  distance ${copy.distance ?? '?'}${flag(copy.dateMismatch)}`);
  }
  const clustered = new Set(report.clusters.flatMap((cluster) => cluster.members.map((member) => member.key)));
  const unique = report.documents.filter((document) => document.status === 'recorded' && !clustered.has(document.key));
  if (unique.length > 0) lines.push('', `No near-duplicate: ${unique.map((document) => document.key).join(', ')}`);
  if (mismatches.length > 0) {
    lines.push('', 'Date mismatches');
    for (const document of mismatches) lines.push(`  ${document.key}: ${document.dateEvidence ?? 'claimed date far from the content'}`);
  }
  if (rejected.length > 0) {
    lines.push('', 'Rejected');
    for (const document of rejected) lines.push(`  ${document.key}: ${document.reason ?? document.status}`);
  }
  return lines.join('\n');
}
