import { LimitReader, WARCParser, type WARCRecord } from 'warcio';
import type { CoreConfig } from '../config.ts';
import { REJECT_CODES, type RejectCode } from '../errors.ts';
import type { InputHints } from '../types.ts';
import { collectUpTo, concatBytes } from './stream.ts';
import type { PageRecord, RevisitTarget } from './types.ts';

/**
 * Splits a WARC file (plain, or one gzip member per record as wget, Heritrix, Browsertrix and warcio write it)
 * into page records, streaming: only the current record's payload is held, capped at config.maxInputBytes.
 *
 * Which records become pages:
 * - `response` (2xx status) and `resource` records whose content type is a page (see PAGE_TYPES) or unstated;
 *   the HTTP body is de-chunked and content-decoded by warcio.
 * - `revisit` records become kind 'revisit' (no bytes) with what they refer to.
 * - Skipped: `request`, `warcinfo`, `metadata`, `conversion`, `continuation`; responses that are not 2xx
 *   (redirects and error pages carry no article); and images, scripts, styles, fonts, media, PDFs...
 *   A crawl WARC holds mostly such subresources, and recording each as a rejected 'binary' document would
 *   bury the pages in noise.
 * - A record that cannot be read yields a record with `error`: over the size limit ('too-large', and splitting
 *   goes on past it), or cut short / malformed (then splitting stops: nothing after it can be trusted).
 */

/** Content types (without parameters) taken as pages; records with no stated type are kept too and left to the core's sniffing. */
const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml', 'text/plain']);
const PAGE_RECORD_TYPES = new Set(['response', 'resource', 'revisit']);

type Classified = { take: false } | { take: true; kind: PageRecord['kind']; contentType: string | undefined };

export async function* splitWarc(
  stream: AsyncIterable<Uint8Array>,
  config: CoreConfig,
  compressed: boolean,
  /** Where the stream starts in the stored file (a range of a big WARC begins at a record boundary). */
  baseOffset = 0,
): AsyncGenerator<PageRecord> {
  const received = new ReceivedBytes();
  const parser = new WARCParser(received.count(stream));
  const cutCode: RejectCode = compressed ? REJECT_CODES.truncatedGzip : REJECT_CODES.truncated;
  /** Earlier page records of this object, by WARC-Record-ID and by `uri date`, so revisits can name them. */
  const seen = new Map<string, string>();
  const ids = new RecordIds(compressed, received, baseOffset);
  let lastBlockEnd = 0;

  for (;;) {
    let record: WARCRecord | null;
    try {
      record = await parser.parse();
    } catch (error) {
      received.rethrowSourceError();
      const recordId = ids.at(parser.offset);
      yield failed(recordId, {}, undefined, cutCode, `WARC record ${recordId} cannot be parsed: ${(error as Error).message}`);
      return;
    }
    if (!record) {
      // warcio ends quietly on a gzip member cut short (pako yields nothing of it) and on a few bytes of a
      // next record (taken as leftover newlines): bytes received past the last whole record are a cut record.
      const parsedUpTo = compressed ? parser._reader.getRawOffset() : lastBlockEnd;
      const cutAt = received.firstDataAfter(parsedUpTo);
      if (cutAt !== null) {
        const recordId = ids.at(cutAt);
        const message = `WARC file ends inside record ${recordId}: its last ${received.total - cutAt} bytes are not a whole record`;
        yield failed(recordId, {}, undefined, cutCode, message);
      }
      return;
    }

    const recordId = ids.at(parser.offset);
    const url = record.warcTargetURI ?? undefined;
    const captureDate = record.warcDate ?? undefined;
    const malformed = checkHeaders(record);
    if (malformed) {
      yield failed(recordId, { url }, captureDate, cutCode, `WARC record ${recordId} ${malformed}`);
      return;
    }

    const classified = classify(record);
    const limit = classified.take && classified.kind === 'page' ? config.maxInputBytes : 0;
    let block;
    try {
      block = await collectUpTo(record.reader, limit, true);
    } catch (error) {
      received.rethrowSourceError();
      yield failed(recordId, { url }, captureDate, cutCode, `WARC record ${recordId} cannot be read: ${(error as Error).message}`);
      return;
    }
    lastBlockEnd = parser._reader.getRawOffset();
    const missing = record.reader instanceof LimitReader ? record.reader.limit : 0;
    if (missing > 0) {
      // warcio would loop forever skipping past the end of a cut file, so stop here.
      const message = `WARC ${record.warcType} record ${recordId} is cut short: the file ends ${missing} bytes before the record does`;
      yield failed(recordId, { url }, captureDate, cutCode, message);
      return;
    }
    if (!classified.take) continue;

    const hints: InputHints = dropUndefined({ url, contentType: classified.contentType });
    if (classified.kind === 'revisit') {
      yield dropUndefined({ recordId, kind: 'revisit', bytes: new Uint8Array(), hints, captureDate, refersTo: revisitTarget(record, seen) });
      continue;
    }
    remember(record, recordId, seen);
    if (block.overLimit) {
      const message = `WARC record ${recordId} has a payload of ${block.seenBytes} bytes, over the limit of ${config.maxInputBytes}`;
      yield failed(recordId, hints, captureDate, REJECT_CODES.tooLarge, message);
      continue;
    }
    const payload = await decodePayload(record, block.bytes, config);
    if ('error' in payload) yield failed(recordId, hints, captureDate, payload.error.code, `WARC record ${recordId}: ${payload.error.message}`);
    else yield dropUndefined({ recordId, kind: 'page', bytes: payload.bytes, hints, captureDate });
  }
}

/** Why the record's WARC headers cannot be trusted (a file cut inside them, or not a WARC record at all), or null. */
function checkHeaders(record: WARCRecord): string | null {
  if (!record.warcHeaders.statusline.startsWith('WARC/')) return `does not start with a WARC version line (found "${record.warcHeaders.statusline.slice(0, 40)}")`;
  if (!record.warcType) return 'has no WARC-Type header: the file is cut inside the record headers or is not a WARC file';
  const length = record.warcHeader('Content-Length');
  if (length == null || !/^\d+$/.test(length.trim())) return 'has no valid Content-Length header: the file is cut inside the record headers';
  return null;
}

function classify(record: WARCRecord): Classified {
  const type = record.warcType;
  if (!PAGE_RECORD_TYPES.has(type)) return { take: false };
  const http = record.httpHeaders;
  const contentType = (type === 'resource' ? record.warcContentType : http?.headers.get('Content-Type')) ?? undefined;
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mime && !PAGE_TYPES.has(mime)) return { take: false };
  const status = Number(http?.statusCode ?? 200);
  if (type === 'response' && !(status >= 200 && status < 300)) return { take: false };
  return { take: true, kind: type === 'revisit' ? 'revisit' : 'page', contentType };
}

/** Undoes HTTP chunking and Content-Encoding the way warcio does for record content, capped at maxInflatedBytes. */
async function decodePayload(
  record: WARCRecord,
  raw: Uint8Array,
  config: CoreConfig,
): Promise<{ bytes: Uint8Array } | { error: { code: RejectCode; message: string } }> {
  if (!record.httpHeaders) return { bytes: raw };
  const decoded = await collectUpTo(record._createDecodingReader([raw]), config.maxInflatedBytes, false);
  if (decoded.overLimit) {
    return { error: { code: REJECT_CODES.gzipBomb, message: `HTTP body inflates past the limit of ${config.maxInflatedBytes} bytes` } };
  }
  return { bytes: decoded.bytes };
}

function remember(record: WARCRecord, recordId: string, seen: Map<string, string>): void {
  const warcRecordId = record.warcHeader('WARC-Record-ID');
  if (warcRecordId) seen.set(warcRecordId, recordId);
  if (record.warcTargetURI && record.warcDate) seen.set(`${record.warcTargetURI} ${record.warcDate}`, recordId);
}

function revisitTarget(record: WARCRecord, seen: Map<string, string>): RevisitTarget {
  const uri = record.warcRefersToTargetURI ?? undefined;
  const date = record.warcRefersToDate ?? undefined;
  const warcRecordId = record.warcHeader('WARC-Refers-To') ?? undefined;
  const recordId = (warcRecordId && seen.get(warcRecordId)) || (uri && date ? seen.get(`${uri} ${date}`) : undefined);
  return dropUndefined({ uri, date, digest: record.warcPayloadDigest ?? undefined, recordId, warcRecordId });
}

/**
 * Record ids from warcio's offsets. In a plain file and in per-record gzip (the WARC norm) the offset is where the
 * record starts in the stored file. A gzip member holding several records (a whole file gzipped at once) has
 * one offset for all of them, so the later ones become `@<member offset>+<n>`. warcio reports the end of
 * the file as the offset of records it had already inflated when the member ended; no record starts at the
 * end of what was received, so those are numbered in the member they came from, whatever the chunking.
 */
class RecordIds {
  private memberStart = -1;
  private inMember = 0;

  constructor(
    private readonly compressed: boolean,
    private readonly received: ReceivedBytes,
    private readonly base: number,
  ) {}

  at(offset: number): string {
    if (!this.compressed) return `@${this.base + offset}`;
    if (offset !== this.memberStart && offset < this.received.total) {
      this.memberStart = offset;
      this.inMember = 0;
      return `@${this.base + offset}`;
    }
    this.inMember++;
    return `@${this.base + Math.max(this.memberStart, 0)}+${this.inMember}`;
  }
}

/** Counts the bytes of a stream as warcio pulls them, keeping the last few to tell a clean end from a cut one. */
class ReceivedBytes {
  static readonly TAIL = 64;
  total = 0;
  private tail: Uint8Array = new Uint8Array();
  private sourceError: { error: unknown } | null = null;

  async *count(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream) {
        this.total += chunk.length;
        const kept = this.tail.subarray(Math.max(0, this.tail.length - (ReceivedBytes.TAIL - chunk.length)));
        this.tail = concatBytes([kept, chunk.subarray(Math.max(0, chunk.length - ReceivedBytes.TAIL))]);
        yield chunk;
      }
    } catch (error) {
      this.sourceError = { error };
      throw error;
    }
  }

  /** A failure of the stream itself (network) is transient: it is thrown for a retry, never recorded as a rejected record. */
  rethrowSourceError(): void {
    if (this.sourceError) throw this.sourceError.error;
  }

  /** Where the first byte other than CR/LF (the separator after a WARC record) was received past `offset`, or null if none was. */
  firstDataAfter(offset: number): number | null {
    const extra = this.total - offset;
    if (extra <= 0) return null;
    if (extra > this.tail.length) return offset;
    const index = this.tail.subarray(this.tail.length - extra).findIndex((byte) => byte !== 0x0a && byte !== 0x0d);
    return index < 0 ? null : offset + index;
  }
}

function failed(recordId: string, hints: InputHints, captureDate: string | undefined, code: RejectCode, message: string): PageRecord {
  return dropUndefined({ recordId, kind: 'page' as const, bytes: new Uint8Array(), hints: dropUndefined(hints), captureDate, error: { code, message } });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
