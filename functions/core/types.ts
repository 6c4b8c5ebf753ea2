/**
 * The data shapes the pure core passes between its steps: read -> extract -> fingerprint + dates -> analyze.
 * No AWS here; the store and handlers depend on these, never the reverse.
 */

/** What the caller knows about an object besides its bytes. */
export interface InputHints {
  /** Content-Type as stored with the object, if any. */
  contentType?: string;
  /** Object key or file name; its extension helps detect html / txt / gz. */
  fileName?: string;
  /** Source URL of the page when known (JSONL `url`, WARC target URI). */
  url?: string;
  /** User metadata of the S3 object, keys lower-case without the `x-amz-meta-` prefix (e.g. `published`). */
  metadata?: Record<string, string>;
}

export type PageKind = 'html' | 'text';

/** Bytes turned into text: gzip undone, charset decoded. */
export interface DecodedPage {
  kind: PageKind;
  text: string;
  /** WHATWG label of the charset used to decode, e.g. `utf-8`, `windows-1252`. */
  charset: string;
  /** True if the bytes were gzip-compressed. */
  compressed: boolean;
  /** Size of the input in bytes, before decompression. */
  inputBytes: number;
}

/** The article separated from everything around it. */
export interface ExtractedPage {
  title: string | null;
  canonicalUrl: string | null;
  /** The main article text, paragraphs separated by blank lines. */
  mainText: string;
  /** Characters of reader comments removed. */
  commentsCut: number;
  /** Characters of navigation, header, footer and other boilerplate removed. */
  boilerplateCut: number;
  /** Reader comments' text (kept apart: dates fall back to them when the article has none). */
  commentsText: string;
}

/** 16 lowercase hex digits. */
export type SimHashHex = string;

export interface Fingerprint {
  /** FINGERPRINT_VERSION of the features (fingerprint.ts): only fingerprints of one version are compared. */
  fingerprintVersion: number;
  /** 64-bit SimHash of the main text, 16 lowercase hex digits. */
  simhash: SimHashHex;
  /**
   * The SimHash bits nearest their threshold, nearest first (positions, 0 = most significant): the ones an edit flips
   * first, which a lookup also probes (index-layout.ts). Not stored; absent on fingerprints read back from the table.
   */
  weakBits?: readonly number[];
  /** SHA-256 of the normalized main text, 64 lowercase hex digits: equal for exact duplicates. */
  contentHash: string;
  /** Compact similarity sketch (MinHash of word shingles), encoded as a string so it can be stored as is. */
  sketch: string;
}

export interface Comparison {
  /** Hamming distance between the two SimHashes. */
  distance: number;
  /** Estimated shingle similarity (0..1) from the sketches: the mean of jaccard and containment. */
  similarity: number;
  /** Estimated Jaccard similarity of the two shingle sets. */
  jaccard: number;
  /** Estimated share of the smaller document's shingles found in the larger. */
  containment: number;
  nearDuplicate: boolean;
}

export type DatePrecision = 'day' | 'month' | 'year';

/** A calendar date at a stated precision: `2021-06` is month-precise, not 2021-06-01. */
export interface PartialDate {
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, matching `precision`. */
  value: string;
  precision: DatePrecision;
}

export type ClaimedDateSource =
  | 'metadata' // S3 object metadata, e.g. x-amz-meta-published
  | 'meta' // <meta> tags: article:published_time, og:, DC., itemprop, ...
  | 'json-ld'
  | 'time-element'
  | 'url'
  | 'header'; // a visible dateline or header: "JUNE 2021", "Posted on 5 April 2018"

export interface ClaimedDate extends PartialDate {
  source: ClaimedDateSource;
  /** The text the date was read from, for a person to check. */
  evidence?: string;
  /**
   * 'low' when the day is a UTC timestamp's day, the page states no time zone, and the hour lets the publisher's
   * local day be the day before or after (see localDayOfUtcCandidate). Absent otherwise.
   */
  confidence?: 'low';
}

export interface ContentDates {
  earliest: PartialDate | null;
  latest: PartialDate | null;
  /** The period most of the dated mentions fall in (the events the text covers). */
  dominant: PartialDate | null;
  /** Number of dated mentions found. */
  mentions: number;
  /** Where they came from: the article, or the comments when the article has none. */
  from: 'article' | 'comments' | 'none';
}

export interface DateVerdict {
  dateMismatch: boolean;
  /** Days from the end of the content's period to the claimed date (negative: claimed before the content); null when either is missing. */
  dateGapDays: number | null;
  /** One sentence a person can check, e.g. "claims 2021-06 (header) but covers 2018-04 (12 mentions): 1153 days later". */
  dateEvidence: string | null;
}

/**
 * The kinds of date verdict a recorded document can carry (both may hold):
 * - `content`: its claimed date lies far from the period its own text covers (judgeDates, one page);
 * - `earlier-copy`: its claimed date lies more than mismatchGapDays after the believed claimed date of its
 *   near-duplicate cluster's original (judgeEarlierCopy; needs the cluster, so only the store gives it).
 */
export type MismatchKind = 'content' | 'earlier-copy';

/** A claimed date as a verdict cites it: value, precision and where it was read (the evidence text left out). */
export type CitedDate = Pick<ClaimedDate, 'value' | 'precision' | 'source'>;

/** The `earlier-copy` verdict with the evidence a fact-checker would cite. */
export interface EarlierCopyVerdict {
  /** The cluster's original (its id: the store's docId, `<bucket>/<key>`). */
  original: string;
  /** The original's believed claimed date and its source. */
  originalClaimed: CitedDate;
  /** This page's claimed date. */
  claimed: CitedDate;
  /** Days from the end of the original's claimed period to the start of this page's. */
  gapDays: number;
  /** One sentence a person can check. */
  evidence: string;
}

/** Everything the core finds in one page: what the store records. */
export interface PageAnalysis extends Fingerprint, DateVerdict {
  kind: PageKind;
  charset: string;
  compressed: boolean;
  inputBytes: number;
  title: string | null;
  canonicalUrl: string | null;
  mainTextChars: number;
  commentsCut: number;
  boilerplateCut: number;
  /** How the article was extracted: Readability on a DOM, the streaming path for very large HTML (plan.ts), or plain text. */
  extraction?: 'dom' | 'streaming' | 'text';
  claimedDate: ClaimedDate | null;
  contentDates: ContentDates;
}
