import type { ClaimedDate, ContentDates, EarlierCopyVerdict, MismatchKind } from '../core/types.ts';
import type { RejectCode } from '../core/errors.ts';
import type { TruncatedValue } from './limits.ts';

/** Which S3 object (version) an event is about: what the ingest handler passes to every store verb. */
export interface ObjectRef {
  bucket: string;
  /** The decoded object key. */
  key: string;
  /** Opaque; defaults to `<bucket>/<key>` (see documentIdFor). */
  docId?: string;
  versionId?: string;
  eTag?: string;
  /** S3 event sequencer (hex): orders events of one key. */
  sequencer?: string;
  size?: number;
  contentType?: string;
  /** When the event happened (S3 eventTime, ISO 8601); becomes firstSeen on the first record (a record's capture date before it wins: keys.ts firstSeenOf). */
  eventTime?: string;
  /** A record inside a container object (WARC, JSONL): its id (`@<offset>`, `L<line>`); docId is then `<bucket>/<key>#<recordId>`. */
  recordId?: string;
  /** When the record's page was captured (WARC-Date, JSONL scrapedAt), as written there. Never the claimed date. */
  captureDate?: string;
  /** The record's own URL (WARC-Target-URI, JSONL url), which may differ from the page's canonical URL. */
  url?: string;
}

export type DocumentStatus = 'recorded' | 'rejected' | 'deleted';

/** A document item as stored (the GSI attributes and internal bookkeeping left out). */
export interface StoredDocument {
  docId: string;
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
  sequencer?: string;
  size?: number;
  contentType?: string;
  status: DocumentStatus;
  reason?: string;
  reasonCode?: RejectCode;
  title?: string | null;
  canonicalUrl?: string | null;
  /** FINGERPRINT_VERSION the fingerprint was computed with (absent: 1). */
  fingerprintVersion?: number;
  /** How the article was extracted (core PageAnalysis.extraction): `streaming` for HTML too large for a DOM. */
  extraction?: 'dom' | 'streaming' | 'text';
  simhash?: string;
  contentHash?: string;
  sketch?: string;
  claimedDate?: ClaimedDate | null;
  contentDates?: ContentDates;
  /** True when any date verdict holds (mismatchKinds not empty). */
  dateMismatch?: boolean;
  /** The date verdicts that hold: `content` (its claim vs its own text), `earlier-copy` (vs its cluster's original). [] when none. */
  mismatchKinds?: MismatchKind[];
  /** Evidence of the `earlier-copy` verdict, while it holds. */
  earlierCopy?: EarlierCopyVerdict;
  /** Gap and evidence of the `content` kind (claimed date vs the period its text covers). */
  dateGapDays?: number | null;
  dateEvidence?: string | null;
  /** docId of the cluster's original. */
  clusterId?: string;
  isOriginal?: boolean;
  /** docId of the original, when this is not it. */
  duplicateOf?: string;
  /** Hamming distance / estimated similarity to the original (0 / 1 for the original itself). */
  distance?: number;
  similarity?: number;
  rank?: string;
  /** Records inside a container object (see ObjectRef). */
  recordId?: string;
  captureDate?: string;
  url?: string;
  /** 'html' | 'text' for an analyzed page; 'revisit' for a WARC revisit record (see revisits.ts). */
  kind?: string;
  /** A revisit's referred document (same page captured before), when it is known. */
  revisitOf?: string;
  /** What a revisit record says it repeats (WARC-Refers-To-Target-URI, -Date, payload digest, WARC-Refers-To). */
  refersTo?: { uri?: string; date?: string; digest?: string; warcRecordId?: string };
  firstSeen: string;
  updatedAt: string;
  /** Values cut to their limit or left out to fit DynamoDB's item size, by attribute (limits.ts); absent when none was. */
  truncated?: Record<string, TruncatedValue>;
}

/**
 * What a write verb did. `stale`: an older event, ignored; `unchanged`: a redelivery or identical re-upload;
 * `reindexed`: a document of an older fingerprint version recomputed (by a backfill or reindex event).
 */
export type RecordOutcome =
  | { docId: string; outcome: 'recorded' | 'unchanged' | 'reindexed'; clusterId: string; isOriginal: boolean; duplicateOf?: string; dateMismatch: boolean; mismatchKinds: MismatchKind[] }
  | { docId: string; outcome: 'rejected'; reasonCode: RejectCode }
  | { docId: string; outcome: 'deleted' | 'stale' };
