import { AsyncIterReader, LimitReader, WARCParser, type WARCRecord } from 'warcio';
import type { CoreConfig } from '../config.ts';
import { REJECT_CODES, type RejectCode } from '../errors.ts';
import type { InputHints } from '../types.ts';
import { ByteSource } from './byte-source.ts';
import { frameRecords, MAX_HEADER_BYTES, type FormatState, type Frame } from './frames.ts';
import { gzipMembers, type GzipMember } from './gzip-members.ts';
import { collectUpTo, isGzip } from './stream.ts';
import type { PageRecord, RevisitTarget } from './types.ts';

/**
 * Splits a WARC file (plain, or one gzip member per record as wget, Heritrix, Browsertrix and warcio write it, or
 * gzipped whole) or an ARC file into page records, streaming: only the current record is held, capped at
 * config.maxInputBytes (plus its headers).
 *
 * Where records begin and end is found first (frames.ts: Content-Length checked against where the next record begins;
 * gzip-members.ts: gzip members), then warcio parses each record alone. Damage costs only its own span: garbage between
 * gzip members or records, a wrong Content-Length, a corrupt member are each rejected as `damaged` with their byte
 * range, and reading goes on at the next gzip member or `WARC/` line. A file that ends inside a record ends with that
 * record rejected as `truncated` (`truncated-gzip` for a gzip file).
 *
 * Which records become pages:
 * - `response` (2xx status) and `resource` records whose content type is a page (see PAGE_TYPES) or unstated;
 *   the HTTP body is de-chunked and content-decoded by warcio.
 * - `revisit` records become kind 'revisit' (no bytes) with what they refer to.
 * - Skipped, each with its reason (kind 'skipped'): `request`, `warcinfo`, `metadata`, `conversion`, `continuation`;
 *   responses that are not 2xx (redirects and error pages carry no article); and images, scripts, styles, fonts,
 *   media, PDFs... A crawl WARC holds mostly such subresources, and recording each as a rejected 'binary' document
 *   would bury the pages in noise.
 * - A record over the size limit is rejected 'too-large' and splitting goes on past it.
 */

/** Content types (without parameters) taken as pages; records with no stated type are kept too and left to the core's sniffing. */
const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml', 'text/plain']);
const PAGE_RECORD_TYPES = new Set(['response', 'resource', 'revisit']);

type Classified = { take: false; reason: string } | { take: true; kind: 'page' | 'revisit'; contentType: string | undefined };

interface SplitContext {
  config: CoreConfig;
  /** Earlier page records of this object, by WARC-Record-ID and by `uri date`, so revisits can name them. */
  seen: Map<string, string>;
  /** Code for a record the file ends inside. */
  cutCode: RejectCode;
}

/**
 * `fileName` decides what the bytes cannot when the file's first bytes are damaged: gzip (`.gz`) or not, ARC (`.arc`)
 * or WARC.
 */
export async function* splitWarc(stream: AsyncIterable<Uint8Array>, config: CoreConfig, fileName = ''): AsyncGenerator<PageRecord> {
  const gzipName = /\.gz$/i.test(fileName);
  const source = new ByteSource(stream);
  const first = source.peek(Math.min(await source.fill(16), 16));
  const startsRecord = /^(WARC\/|filedesc:)/.test(new TextDecoder('latin1').decode(first));
  const compressed = isGzip(first) || (first.length === 1 && first[0] === 0x1f) || (gzipName && !startsRecord);
  const context: SplitContext = { config, seen: new Map(), cutCode: compressed ? REJECT_CODES.truncatedGzip : REJECT_CODES.truncated };
  const holdLimit = config.maxInputBytes + MAX_HEADER_BYTES;
  const format: FormatState = /\.arc(\.gz)?$/i.test(fileName) ? { arc: true } : {};
  if (first.length === 0) {
    yield failed('@0', {}, undefined, REJECT_CODES.empty, 'WARC file is empty (0 bytes)');
    return;
  }
  if (!compressed) {
    for await (const frame of frameRecords(source, { holdLimit, describe: String }, format)) yield* recordsOfFrame(frame, `@${frame.offset}`, context);
    return;
  }
  for await (const unit of gzipMembers(source)) {
    if (unit.kind === 'damaged') {
      yield failed(`@${unit.start}`, {}, undefined, REJECT_CODES.damaged, `WARC file: ${unit.message}`);
      continue;
    }
    yield* recordsOfMember(unit, context, holdLimit, format);
  }
}

/**
 * The records of one gzip member: the first is `@<member offset>`, later ones (a file gzipped whole) `@<member offset>+<n>`,
 * n counting every record of the member. A member cut short or corrupt makes its last record (or, when it ended on a
 * record boundary, one more record id) a rejection.
 */
async function* recordsOfMember(member: GzipMember, context: SplitContext, holdLimit: number, format: FormatState): AsyncGenerator<PageRecord> {
  const inner = new ByteSource(member.chunks);
  const describe = (offset: number): string => `${offset} (inflated) of the gzip member at ${member.start}`;
  let index = 0;
  let problemSaid = false;
  for await (const frame of frameRecords(inner, { holdLimit, describe }, format)) {
    const recordId = index === 0 ? `@${member.start}` : `@${member.start}+${index}`;
    index++;
    const problem = member.problem();
    if (problem && ((frame.kind === 'record' && frame.endsUnit) || (frame.kind === 'damaged' && frame.cut))) {
      problemSaid = true;
      const url = frame.kind === 'damaged' ? frame.url : undefined;
      yield failed(recordId, { url }, undefined, problem.cut ? REJECT_CODES.truncatedGzip : REJECT_CODES.damaged, `WARC record ${recordId}: ${problem.message}`);
      continue;
    }
    if (frame.kind === 'damaged' && frame.cut) {
      // The member is whole, so the record is not cut by the end of the file: its Content-Length runs past its member.
      const message = `WARC record ${recordId}: ${frame.message} (its gzip member ends there: its Content-Length is too large)`;
      yield failed(recordId, { url: frame.url }, undefined, REJECT_CODES.damaged, message);
      continue;
    }
    yield* recordsOfFrame(frame, recordId, context);
  }
  const problem = member.problem();
  if (problem && !problemSaid) {
    const recordId = index === 0 ? `@${member.start}` : `@${member.start}+${index}`;
    yield failed(recordId, {}, undefined, problem.cut ? REJECT_CODES.truncatedGzip : REJECT_CODES.damaged, `WARC record ${recordId}: ${problem.message}`);
  }
}

async function* recordsOfFrame(frame: Frame, recordId: string, context: SplitContext): AsyncGenerator<PageRecord> {
  if (frame.kind === 'damaged') {
    const notPage = frame.record ? await notPageReason(frame.record) : null;
    if (notPage) {
      // A request (or other record that is no page) with a wrong length: nothing is lost, but the damage is said.
      yield { recordId, kind: 'skipped', bytes: new Uint8Array(), hints: dropUndefined({ url: frame.url }), skipReason: `${notPage}; ${frame.message}` };
      return;
    }
    yield failed(recordId, { url: frame.url }, undefined, frame.cut ? context.cutCode : REJECT_CODES.damaged, `WARC record ${recordId}: ${frame.message}`);
    return;
  }
  // Each record is parsed alone: warcio cannot read past its end whatever its HTTP headers look like.
  const parser = parserOf(frame.kind === 'record' ? [frame.bytes] : prepend(frame.head, frame.block));
  let record: WARCRecord | null;
  try {
    record = await parser.parse();
  } catch (error) {
    yield failed(recordId, {}, undefined, REJECT_CODES.damaged, `WARC record ${recordId} cannot be parsed: ${(error as Error).message}`);
    return;
  }
  if (!record) return;
  yield* pageOfRecord(record, recordId, context);
}

/** Why the record in `bytes` would be skipped (not a page), or null when it is a page record or cannot be parsed. */
async function notPageReason(bytes: Uint8Array): Promise<string | null> {
  try {
    const record = await parserOf([bytes]).parse();
    const classified = record && !checkHeaders(record) ? classify(record) : null;
    return classified && !classified.take ? classified.reason : null;
  } catch {
    return null;
  }
}

/** warcio's parser over one record's bytes, already inflated: no gzip sniffing (warcio would try pako on each record). */
function parserOf(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): WARCParser {
  return new WARCParser(new AsyncIterReader(source, null));
}

async function* prepend(head: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield head;
  yield* rest;
}

async function* pageOfRecord(record: WARCRecord, recordId: string, context: SplitContext): AsyncGenerator<PageRecord> {
  const { config, seen } = context;
  const url = record.warcTargetURI ?? undefined;
  const captureDate = record.warcDate ?? undefined;
  const malformed = checkHeaders(record);
  if (malformed) {
    yield failed(recordId, { url }, captureDate, REJECT_CODES.damaged, `WARC record ${recordId} ${malformed}`);
    return;
  }

  const classified = classify(record);
  const limit = classified.take && classified.kind === 'page' ? config.maxInputBytes : 0;
  const block = await collectUpTo(record.reader, limit, true);
  const missing = record.reader instanceof LimitReader ? record.reader.limit : 0;
  if (missing > 0) {
    const message = `WARC ${record.warcType} record ${recordId} is cut short: the file ends ${missing} bytes before the record does`;
    yield failed(recordId, { url }, captureDate, context.cutCode, message);
    return;
  }
  if (!classified.take) {
    yield dropUndefined({ recordId, kind: 'skipped' as const, bytes: new Uint8Array(), hints: dropUndefined({ url }), captureDate, skipReason: classified.reason });
    return;
  }

  const hints: InputHints = dropUndefined({ url, contentType: classified.contentType });
  if (classified.kind === 'revisit') {
    yield dropUndefined({ recordId, kind: 'revisit', bytes: new Uint8Array(), hints, captureDate, refersTo: revisitTarget(record, seen) });
    return;
  }
  remember(record, recordId, seen);
  if (block.overLimit) {
    const message = `WARC record ${recordId} has a payload of ${block.seenBytes} bytes, over the limit of ${config.maxInputBytes}`;
    yield failed(recordId, hints, captureDate, REJECT_CODES.tooLarge, message);
    return;
  }
  const payload = await decodePayload(record, block.bytes, config);
  if ('error' in payload) yield failed(recordId, hints, captureDate, payload.error.code, `WARC record ${recordId}: ${payload.error.message}`);
  else yield dropUndefined({ recordId, kind: 'page', bytes: payload.bytes, hints, captureDate });
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
  if (!PAGE_RECORD_TYPES.has(type)) return { take: false, reason: `${type} record` };
  const http = record.httpHeaders;
  const contentType = (type === 'resource' ? record.warcContentType : http?.headers.get('Content-Type')) ?? undefined;
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mime && !PAGE_TYPES.has(mime)) return { take: false, reason: `${type} record of type ${mime}, not a page` };
  const status = Number(http?.statusCode ?? 200);
  if (type === 'response' && !(status >= 200 && status < 300)) return { take: false, reason: `${type} record with HTTP status ${http?.statusCode}, not a page` };
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

function failed(recordId: string, hints: InputHints, captureDate: string | undefined, code: RejectCode, message: string): PageRecord {
  return dropUndefined({ recordId, kind: 'page' as const, bytes: new Uint8Array(), hints: dropUndefined(hints), captureDate, error: { code, message } });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
