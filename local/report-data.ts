/**
 * What the HTML report shows, as compact data: every document of the table once, clusters as lists of document
 * indexes (largest first, original first), and the counts of the overview. The page embeds this as JSON and renders
 * it in the browser a page at a time (local/report-client.ts), so the file grows linearly with the documents.
 *
 * Read through the store's listing (functions/store/listing.ts): the recorded documents come from a Scan of the
 * byCluster index (only document entries, with their cluster label and dates); only the documents no index holds
 * (rejected, deleted) need a filtered Scan of the table.
 */
import type { StoredDocument } from '../functions/store/index.ts';
import { keyOfDocument } from './pipeline.ts';

/** One document. Short names and absent-when-empty fields: they are repeated 100,000 times in a large report. */
export interface ReportDoc {
  /** Key as uploaded (`<key>#<recordId>` for a record of a WARC / JSONL object). */
  k: string;
  /** Title, URL (record URL, else canonical URL). */
  t?: string;
  u?: string;
  /** Status when not recorded (`rejected`, `deleted`, `failed`) and its reason. */
  st?: string;
  rs?: string;
  /** Index of its cluster in `clusters` (only for clusters of two or more). */
  c?: number;
  /** 1: the original of its cluster; 1: an exact copy (same normalized text as the original); 1: a WARC revisit. */
  o?: 1;
  x?: 1;
  rv?: 1;
  /** Hamming distance and sketch similarity to the original. */
  d?: number;
  s?: number;
  /** Claimed date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`: the length is the precision), its source and the text it was read from. */
  cd?: string;
  cs?: string;
  ce?: string;
  /** Content period: earliest, latest, dominant period, number of dated mentions. */
  e0?: string;
  e1?: string;
  dm?: string;
  mn?: number;
  /** Date mismatch, its gap in days, the evidence sentence, and its kinds when the store says (e.g. `earlier-copy`). */
  m?: 1;
  g?: number;
  ev?: string;
  mk?: string[];
  /** Capture date (WARC-Date, scrapedAt) or first seen. */
  at?: string;
}

export interface ReportCounts {
  pages: number;
  recorded: number;
  clusters: number;
  /** Members of a cluster that are not its original. */
  nearDuplicates: number;
  /** Of those, the ones with the same normalized text as their original (and WARC revisits). */
  exactCopies: number;
  mismatches: number;
  rejected: number;
  deleted: number;
  failed: number;
  inProgress: number;
}

export interface ReportData {
  title: string;
  /** Where the data came from, e.g. `table archive-dedup at http://127.0.0.1:4567`. */
  source: string;
  generatedAt: string;
  counts: ReportCounts;
  /** Rejections and failures by reason code (or message when there is no code). */
  reasons: Record<string, number>;
  docs: ReportDoc[];
  /** Each cluster's document indexes, original first; clusters largest first. */
  clusters: number[][];
}

export interface ReportSource {
  recordedPages(): AsyncGenerator<StoredDocument[]>;
  unrecordedPages(): AsyncGenerator<StoredDocument[]>;
  /** WARC/JSONL objects whose ranges are still running, where the source can tell (a table can). */
  objectsInProgress?(): Promise<number>;
}

export interface ReportExtras {
  title?: string;
  source: string;
  /** Uploads that were never recorded (the embedded run knows them; a deployed table's failures are in its dead-letter queue). */
  failures?: { key: string; reason: string }[];
  /** Objects still being processed. */
  inProgress?: number;
  /** Told after each page of documents read (for a progress display). */
  onRead?(documents: number): void;
  now?: () => Date;
}

/** Keys beyond this many characters are cut in the data (S3 allows 1,024 bytes); the full docId stays in the table. */
const MAX_TEXT = 300;

function cut(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** Tolerant of fields other versions of the store add (e.g. `mismatchKinds`): unknown fields are ignored. */
function toReportDoc(document: StoredDocument): ReportDoc {
  const extra = document as StoredDocument & { mismatchKinds?: unknown };
  const doc: ReportDoc = { k: keyOfDocument(document) };
  const set = <K extends keyof ReportDoc>(name: K, value: ReportDoc[K] | null | undefined) => {
    if (value !== undefined && value !== null) doc[name] = value;
  };
  set('t', cut(document.title));
  set('u', cut(document.url ?? document.canonicalUrl));
  if (document.status !== 'recorded') {
    set('st', document.status);
    set('rs', cut(document.reasonCode ?? document.reason));
  }
  if (document.kind === 'revisit') doc.rv = 1;
  set('d', document.distance);
  set('s', document.similarity === undefined ? undefined : Math.round(document.similarity * 1000) / 1000);
  set('cd', document.claimedDate?.value);
  set('cs', document.claimedDate?.source);
  set('ce', cut(document.claimedDate?.evidence));
  set('e0', document.contentDates?.earliest?.value);
  set('e1', document.contentDates?.latest?.value);
  set('dm', document.contentDates?.dominant?.value);
  if (document.contentDates?.mentions) doc.mn = document.contentDates.mentions;
  if (document.dateMismatch) {
    doc.m = 1;
    if (Array.isArray(extra.mismatchKinds)) doc.mk = extra.mismatchKinds.map(String);
    // Each kind that holds brings its own evidence (issue 16); a store without kinds knows the content kind only.
    const content = !doc.mk || doc.mk.includes('content');
    const earlier = document.earlierCopy;
    const gaps = [content ? document.dateGapDays : undefined, earlier?.gapDays].filter((gap): gap is number => typeof gap === 'number');
    set('g', gaps.length > 0 ? Math.max(...gaps) : undefined);
    const evidence = [content ? document.dateEvidence : undefined, earlier?.evidence].filter(Boolean).join(' | ');
    set('ev', evidence || undefined);
  }
  set('at', document.captureDate ?? document.firstSeen);
  return doc;
}

interface Member {
  index: number;
  docId: string;
  rank: string;
  isOriginal: boolean;
  contentHash?: string;
}

export async function buildReportData(source: ReportSource, extras: ReportExtras): Promise<ReportData> {
  const docs: ReportDoc[] = [];
  const members = new Map<string, Member[]>();
  const reasons: Record<string, number> = {};
  /** Documents no index holds, by docId: a deleted original is found here for the cluster still named after it. */
  const unindexed = new Map<string, Member>();
  const counts: ReportCounts = { pages: 0, recorded: 0, clusters: 0, nearDuplicates: 0, exactCopies: 0, mismatches: 0, rejected: 0, deleted: 0, failed: 0, inProgress: extras.inProgress ?? (await source.objectsInProgress?.()) ?? 0 };

  const add = (document: StoredDocument) => {
    const doc = toReportDoc(document);
    const index = docs.push(doc) - 1;
    counts.pages += 1;
    if (document.status === 'recorded') counts.recorded += 1;
    if (document.status === 'rejected') {
      counts.rejected += 1;
      const reason = document.reasonCode ?? document.reason ?? 'rejected';
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    if (document.status === 'deleted') counts.deleted += 1;
    if (doc.m && document.status === 'recorded') counts.mismatches += 1;
    if (document.status === 'recorded' && document.clusterId) {
      const list = members.get(document.clusterId) ?? [];
      list.push({ index, docId: document.docId, rank: document.rank ?? '', isOriginal: document.isOriginal === true, contentHash: document.contentHash });
      members.set(document.clusterId, list);
    } else if (document.status === 'deleted') {
      unindexed.set(document.docId, { index, docId: document.docId, rank: '', isOriginal: true, contentHash: document.contentHash });
    }
  };
  for (const pages of [source.recordedPages(), source.unrecordedPages()]) {
    for await (const page of pages) {
      page.forEach(add);
      extras.onRead?.(page.length);
    }
  }
  for (const failure of extras.failures ?? []) {
    docs.push({ k: failure.key, st: 'failed', rs: cut(failure.reason) });
    counts.pages += 1;
    counts.failed += 1;
    reasons[`failed: ${failure.reason}`] = (reasons[`failed: ${failure.reason}`] ?? 0) + 1;
  }

  const clusters: number[][] = [];
  for (const [clusterId, list] of members) {
    // The cluster keeps the name of its original after the original is deleted (it left the index): show it, marked deleted.
    const deletedOriginal = list.some((member) => member.docId === clusterId) ? undefined : unindexed.get(clusterId);
    if (deletedOriginal) list.push(deletedOriginal);
    if (list.length < 2) continue; // a page alone is not a cluster worth showing
    // Original first (its rank is the lowest), then the copies in rank order, as the byCluster index sorts them.
    list.sort((a, b) => Number(b.isOriginal) - Number(a.isOriginal) || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    const original = list[0]!;
    docs[original.index]!.o = 1;
    for (const copy of list.slice(1)) {
      counts.nearDuplicates += 1;
      const doc = docs[copy.index]!;
      if (doc.rv || (copy.contentHash !== undefined && copy.contentHash === original.contentHash)) {
        doc.x = 1;
        counts.exactCopies += 1;
      }
    }
    clusters.push(list.map((member) => member.index));
  }
  // Largest first; ties by the original's key, so the order is stable between runs.
  clusters.sort((a, b) => b.length - a.length || docs[a[0]!]!.k.localeCompare(docs[b[0]!]!.k));
  clusters.forEach((list, clusterIndex) => list.forEach((index) => (docs[index]!.c = clusterIndex)));
  counts.clusters = clusters.length;

  return {
    title: extras.title ?? 'archive-dedup report',
    source: extras.source,
    generatedAt: (extras.now?.() ?? new Date()).toISOString(),
    counts,
    reasons,
    docs,
    clusters,
  };
}
