import type { RejectCode } from '../errors.ts';
import type { InputHints } from '../types.ts';

/** Which kind of object holds the pages: a web archive, a JSON-lines scrape, or one page. */
export type ContainerKind = 'warc' | 'jsonl' | 'single';

/** Where reading starts when a stream is not the object's beginning (a range of a big object): a record boundary. */
export interface StreamStart {
  /** Byte offset of the stream's first byte in the stored file. */
  offset: number;
  /** JSONL: the line number of the stream's first line. */
  line: number;
  /** The container the whole object was detected as (a stream from the middle cannot tell by name). */
  kind: Exclude<ContainerKind, 'single'>;
  compressed: boolean;
}

/** One page (or revisit) found inside an object; the ingest handler analyzes and records each one as its own document. */
export interface PageRecord {
  /**
   * Stable id of the record inside its object: '' for a single-page object, `@<byte offset>` of a WARC record
   * (offset in the stored, possibly compressed, file), `L<n>` for the 1-based line of a JSONL scrape.
   * The store's docId is `<bucket>/<key>#<recordId>` when non-empty.
   */
  recordId: string;
  /**
   * Where the record starts, in bytes of the stored file (JSONL: its line, in the inflated stream when the file is
   * gzipped; WARC: in its recordId). Ranges of a big object are cut and resumed at these.
   */
  offset?: number;
  /** 'skipped': a record that is not a page (request, warcinfo, image, redirect...), listed with its `skipReason`. */
  kind: 'page' | 'revisit' | 'skipped';
  /** The page payload (HTTP body of a WARC response, block of a resource, html/text of a JSONL line); empty for revisits and errors. */
  bytes: Uint8Array;
  /** What is known about this record: url, contentType, metadata.published (JSONL). Object-level hints are not inherited. */
  hints: InputHints;
  /** When the page was captured (WARC-Date, JSONL scrapedAt), as written there. Never the date the page claims. */
  captureDate?: string;
  /** For skipped records: why the record is not a page, e.g. `request record`, `response record of type image/png, not a page`. */
  skipReason?: string;
  /** For revisits: the capture this one repeats. */
  refersTo?: RevisitTarget;
  /** The record cannot be read (truncated, over a limit, bad JSON line): the handler records it as rejected with this code. */
  error?: { code: RejectCode; message: string };
}

export interface RevisitTarget {
  /** WARC-Refers-To-Target-URI. */
  uri?: string;
  /** WARC-Refers-To-Date. */
  date?: string;
  /** WARC-Payload-Digest: the digest of the payload both captures share. */
  digest?: string;
  /** recordId (`@offset`) of the referred record when it is earlier in the same object, so the handler can link the two documents. */
  recordId?: string;
  /** WARC-Refers-To: the WARC-Record-ID of the referred record, which may be in another WARC file. */
  warcRecordId?: string;
}
