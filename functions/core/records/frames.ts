import type { ByteSource } from './byte-source.ts';
import { concatBytes } from './stream.ts';

/**
 * Finds where each record of a WARC (or ARC) byte stream really begins and ends, before warcio parses it.
 *
 * Why this is not left to warcio: warcio's parser reads a record's HTTP headers from the file stream itself, not from
 * the record's block, so a request record whose HTTP block ends without its blank line (wget and wpull write them so)
 * makes it read on into the next record, and every later record is lost; and a Content-Length that is wrong, or bytes
 * between records, leave it mid-record with no way back. Here a record's end is its Content-Length, checked against
 * where the next record begins; each record is then handed to warcio alone (`bytes`), so no parse can run past it.
 *
 * - A record whose declared end is not followed by the record separator and the next `WARC/` line (or the end of the
 *   stream) is damaged: if the next `WARC/` line lies inside its declared block, the length is too large and parsing
 *   resumes there; else the bytes up to the next `WARC/` line are rejected with it (length too small: a cut payload
 *   is said, never recorded as if whole).
 * - Bytes that do not start a record are one damaged span, up to the next line that starts with `WARC/<digit>`.
 * - Header lines may end in CRLF, LF or CR CR LF (`missing-status-text.warc`), as pywb reads them: they are
 *   rewritten to CRLF before warcio sees them.
 * - ARC files (`filedesc://` first) are read record by record and each ARC record becomes the equivalent WARC
 *   `response` (or `resource`) record, as warcio's Python ARC reader does, so one path classifies both.
 *
 * Records up to `holdLimit` bytes are held whole (a page's payload is held anyway); a longer one is streamed
 * (`large`), and only the bytes after its declared end are checked.
 */

export type Frame =
  /** A whole record (WARC headers with CRLF line ends), to parse alone; `endsUnit`: nothing follows it in its stream. */
  | { kind: 'record'; offset: number; bytes: Uint8Array; endsUnit: boolean }
  /** A record too long to hold: its header bytes, then its declared block as a stream. */
  | { kind: 'large'; offset: number; head: Uint8Array; block: AsyncIterable<Uint8Array> }
  /**
   * Bytes that are not a readable record: `cut` when the stream ends inside a record. `record`: for a record whose
   * length is wrong, its headers and declared block as far as they go, so a record that is no page anyway (a request)
   * can be said skipped rather than rejected.
   */
  | { kind: 'damaged'; offset: number; end: number; cut: boolean; message: string; url?: string; record?: Uint8Array };

/** Longest WARC header block (or ARC header line) looked for before the bytes are called damaged (URIs of 300 KB occur). */
export const MAX_HEADER_BYTES = 1024 * 1024;
/** How much of a block is looked at for its HTTP headers (rewriting CR CR LF lines, reading an ARC response's length). */
const HTTP_HEAD_BYTES = 64 * 1024;
/** Where a WARC record starts: a line beginning with `WARC/` and a version digit. */
const NEXT_WARC_LINE = /\nWARC\/\d/;
const latin1 = new TextDecoder('latin1');

export interface FrameOptions {
  holdLimit: number;
  /** Offsets in messages are `base + offset` (the unit's place in the file), or inflated offsets of a gzip member. */
  describe(offset: number): string;
}

/** Shared across the units (gzip members) of one file: ARC or WARC is decided by the file's first record. */
export interface FormatState {
  arc?: boolean;
}

export async function* frameRecords(source: ByteSource, options: FrameOptions, format: FormatState): AsyncGenerator<Frame> {
  for (;;) {
    await skipLineEnds(source);
    if (await source.atEnd()) return;
    const start = source.offset;
    const first = latin1.decode(source.peek(Math.min(await source.fill(16), 16)));
    if (format.arc === undefined) format.arc = first.startsWith('filedesc://');
    // (A stream that ends inside the first line `WARC/1.x` is a record cut short, not damage.)
    if (/^WARC\/\d/.test(first) || (first.length < 6 && 'WARC/1'.startsWith(first))) yield* warcRecord(source, await readHead(source, WARC_HEADERS_END), options);
    else if (format.arc && !first.startsWith('WARC/')) yield* arcRecord(source, await readHead(source, /\n/), options);
    else yield await damagedUpToNextRecord(source, options, 'do not start a WARC record');
  }
}

/** The end of a WARC header block: a line that is empty but for CRs. */
const WARC_HEADERS_END = /\n\r*\n/;

/**
 * The text of the bytes ahead, far enough to hold `end` (or MAX_HEADER_BYTES, or all that is left): 4 KB first, so a
 * crawl of many small records does not decode 64 KB per record.
 */
async function readHead(source: ByteSource, end: RegExp): Promise<string> {
  for (let size = 4096; ; size = Math.min(size * 4, MAX_HEADER_BYTES)) {
    const available = await source.fill(size);
    const head = latin1.decode(source.peek(Math.min(available, size)));
    if (available < size || size >= MAX_HEADER_BYTES || end.test(head)) return head;
  }
}

async function skipLineEnds(source: ByteSource): Promise<void> {
  for (;;) {
    const available = await source.fill(1);
    if (available === 0) return;
    const bytes = source.peek(available);
    let count = 0;
    while (count < bytes.length && (bytes[count] === 0x0d || bytes[count] === 0x0a)) count++;
    source.skip(count);
    if (count < bytes.length) return;
  }
}

type DamagedFrame = Extract<Frame, { kind: 'damaged' }>;

/**
 * Consumes from the current offset up to the next `WARC/` line (or the end) and describes the span. `skipFirst`: the
 * current byte cannot start the next record (it is where a record was expected), so the search starts after it.
 */
async function damagedUpToNextRecord(source: ByteSource, options: FrameOptions, why: string, skipFirst = true, arc = false): Promise<DamagedFrame> {
  const start = source.offset;
  if (skipFirst) source.skip(1);
  const found = await source.skipTo(arc ? NEXT_ARC_LINE : NEXT_WARC_LINE, arc ? MAX_ARC_LINE : 8);
  const end = found === null ? source.offset : found + 1;
  if (found !== null) source.skip(1);
  const to = found === null ? 'the end of the data' : `the next ${arc ? 'ARC' : 'WARC'} record at ${options.describe(end)}`;
  return { kind: 'damaged', offset: start, end, cut: false, message: `bytes ${options.describe(start)}-${options.describe(end - 1)} (${end - start} bytes) ${why}: skipped to ${to}` };
}

function headerEnd(head: string): number | null {
  const match = WARC_HEADERS_END.exec(head);
  return match ? match.index + match[0].length : null;
}

/** WARC header text with every line ending in CRLF (CR CR LF and bare LF as pywb reads them). */
function crlfHeaders(text: string): Uint8Array {
  return latin1Bytes(text.replace(/\r*\n/g, '\r\n'));
}

/** The bytes of text decoded as latin1 (header bytes go through latin1 text unchanged, UTF-8 ones included). */
function latin1Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

async function* warcRecord(source: ByteSource, head: string, options: FrameOptions): AsyncGenerator<Frame> {
  const start = source.offset;
  const blockStart = headerEnd(head);
  const url = /^WARC-Target-URI:[ \t]*(\S*)/im.exec(head.slice(0, blockStart ?? head.length))?.[1];
  if (blockStart === null) {
    if (head.length < MAX_HEADER_BYTES) {
      source.skip(head.length);
      yield { kind: 'damaged', offset: start, end: source.offset, cut: true, message: `the data ends inside the headers of the WARC record at ${options.describe(start)}`, url };
    } else {
      yield await damagedUpToNextRecord(source, options, `have no end of WARC headers within ${MAX_HEADER_BYTES} bytes`);
    }
    return;
  }
  const lengthText = /^Content-Length:[ \t]*(\d+)[ \t]*\r*$/im.exec(head.slice(0, blockStart))?.[1];
  if (lengthText === undefined) {
    yield await damagedUpToNextRecord(source, options, 'are a WARC record with no valid Content-Length');
    return;
  }
  const declared = Number(lengthText);
  // Lines of a WARC header block are latin1 here; warcio decodes them as UTF-8 again from the original bytes.
  const headerBytes = crlfHeaders(latin1.decode(source.peek(blockStart)).replace(/\r*\n\r*\n$/, '\n\n'));
  const blockEnd = blockStart + declared;

  if (blockEnd > options.holdLimit) {
    source.skip(blockStart);
    yield* largeRecord(source, start, headerBytes, declared);
    return;
  }

  let available = await source.fill(blockEnd + 4 + 6);
  let bytes = source.peek(available);
  /** The next WARC record begins at `inner`, before this one's declared end: its length is too large. */
  const endsEarlyAt = (inner: number) => {
    const record = joinRecord(headerBytes, bytes.subarray(blockStart, inner));
    source.skip(inner);
    return { kind: 'damaged' as const, offset: start, end: start + inner, cut: false, url, message: tooLong(start, inner, declared, blockStart, options), record };
  };
  if (available < blockEnd) {
    const inner = nextWarcLine(bytes, blockStart, available);
    if (inner !== null) {
      yield endsEarlyAt(inner);
      return;
    }
    source.skip(available);
    const message = `the data ends inside the WARC record at ${options.describe(start)}: it declares ${declared} bytes, ${blockEnd - available} of them are missing`;
    yield { kind: 'damaged', offset: start, end: start + available, cut: true, url, message };
    return;
  }
  let after = blockEnd;
  while (after < bytes.length && (bytes[after] === 0x0d || bytes[after] === 0x0a)) after++;
  if (after + 5 > bytes.length && after - blockEnd > 4) {
    available = await source.fill(after + 6);
    bytes = source.peek(available);
  }
  const rest = latin1.decode(bytes.subarray(after, after + 5));
  const endsUnit = after === bytes.length;
  if (endsUnit || rest === 'WARC/' || /^\r?\n\r*\n/.test(latin1.decode(bytes.subarray(blockEnd, blockEnd + 6)))) {
    // Whole record. (After a proper separator, bytes that are not a record are the next span's damage, not this record's.)
    const record = joinRecord(headerBytes, crlfHttpHead(bytes.subarray(blockStart, blockEnd)));
    source.skip(after);
    yield { kind: 'record', offset: start, bytes: record, endsUnit: endsUnit && (await source.atEnd()) };
    return;
  }
  const inner = nextWarcLine(bytes, blockStart, blockEnd);
  if (inner !== null) {
    yield endsEarlyAt(inner);
    return;
  }
  const record = joinRecord(headerBytes, bytes.subarray(blockStart, blockEnd));
  source.skip(blockEnd);
  const why = `follow the declared end of the WARC record at ${options.describe(start)} without a record separator (its Content-Length ${declared} is too small, so its payload would be cut)`;
  const damaged = await damagedUpToNextRecord(source, options, why, false);
  yield { ...damaged, offset: start, url, message: `the WARC record at ${options.describe(start)} is damaged: ${damaged.message}`, record };
}

/**
 * A block whose HTTP header lines end in CR CR LF (or bare LF) with those lines rewritten to CRLF, so warcio finds the
 * end of the HTTP headers as pywb does (joinRecord then states the new block length); other blocks as they are.
 */
function crlfHttpHead(block: Uint8Array): Uint8Array {
  const head = latin1.decode(block.subarray(0, Math.min(block.length, HTTP_HEAD_BYTES)));
  if (!/^HTTP\/|^[A-Z]+ \S+ HTTP\//.test(head)) return block;
  const end = headerEnd(head);
  if (end === null || /^(?:[^\r\n]*\r\n)*\r\n$/.test(head.slice(0, end))) return block;
  return concatBytes([latin1Bytes(head.slice(0, end).replace(/\r*\n/g, '\r\n')), block.subarray(end)]);
}

/** Headers and a block as one record, rewritten with its real block length. */
function joinRecord(headerBytes: Uint8Array, block: Uint8Array): Uint8Array {
  return concatBytes([latin1Bytes(latin1.decode(headerBytes).replace(/^(Content-Length:[ \t]*)\d+/im, `$1${block.length}`)), block]);
}

function tooLong(start: number, inner: number, declared: number, blockStart: number, options: FrameOptions): string {
  return (
    `the WARC record at ${options.describe(start)} declares a block of ${declared} bytes, but the next WARC record begins at ${options.describe(start + inner)}, ` +
    `${blockStart + declared - inner} bytes before that end (its Content-Length is too large): bytes ${options.describe(start)}-${options.describe(start + inner - 1)} rejected`
  );
}

/** A record streamed, not held; what its reader leaves of the block is drained before the next record is looked for. */
async function* largeRecord(source: ByteSource, start: number, head: Uint8Array, declared: number): AsyncGenerator<Frame> {
  const taken = source.take(declared);
  // An iterator without return(): a reader that stops early does not close it, so the rest can be drained below.
  const block: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => taken.next() }) };
  yield { kind: 'large', offset: start, head, block };
  while (!(await taken.next()).done);
}

/** Index (in `bytes`) of the first line starting with `WARC/<digit>` in [from, to), or null. */
function nextWarcLine(bytes: Uint8Array, from: number, to: number): number | null {
  const match = NEXT_WARC_LINE.exec(latin1.decode(bytes.subarray(Math.max(0, from - 1), to)));
  return match ? Math.max(0, from - 1) + match.index + 1 : null;
}

/**
 * One ARC record: `URL IP-address Archive-date Content-type [...] Archive-length` on one line, then that many bytes.
 * It becomes a WARC record: `response` when its bytes are an HTTP response, else `resource`; the `filedesc://`
 * header record becomes `warcinfo`. A length that is not a number is read as 0, as pywb does, and said.
 */
async function* arcRecord(source: ByteSource, head: string, options: FrameOptions): AsyncGenerator<Frame> {
  const start = source.offset;
  const lineEnd = head.indexOf('\n');
  const line = (lineEnd < 0 ? head : head.slice(0, lineEnd)).replace(/\r+$/, '');
  const fields = line.split(' ');
  if (lineEnd < 0 || fields.length < 5 || !/:/.test(fields[0]!)) {
    yield await damagedUpToNextRecord(source, options, 'do not start an ARC record', true, true);
    return;
  }
  const [url, , date] = fields as [string, string, string];
  const lengthField = fields.at(-1)!;
  const declared = /^\d+$/.test(lengthField) ? Number(lengthField) : 0;
  const mime = fields.length === 5 || fields.length === 10 ? fields[3]! : 'application/octet-stream';
  source.skip(lineEnd + 1);
  if (url.startsWith('filedesc:') && !/^\d+$/.test(lengthField)) {
    // The file's own header record: its version block is its next two lines (version, field names), as pywb reads it
    // (but a line that is an ARC record header is left to be read as one).
    for (let line = 0; line < 2; line++) {
      const available = await source.fill(HTTP_HEAD_BYTES);
      const text = latin1.decode(source.peek(available));
      if (NEXT_ARC_LINE.exec(`\n${text}`)?.index === 0) break;
      const newline = text.indexOf('\n');
      source.skip(newline < 0 ? available : newline + 1);
    }
    const headerBytes = crlfHeaders(['WARC/1.0', 'WARC-Type: warcinfo', `WARC-Target-URI: ${url}`, `WARC-Date: ${arcDate(date)}`, 'Content-Length: 0', '', ''].join('\n'));
    yield { kind: 'record', offset: start, bytes: headerBytes, endsUnit: await source.atEnd() };
    return;
  }
  if (!/^\d+$/.test(lengthField)) {
    yield { kind: 'damaged', offset: start, end: source.offset, cut: false, url, message: `the ARC record at ${options.describe(start)} declares the length "${lengthField}", not a number: read as empty, as pywb does` };
    return;
  }
  const isHeader = url.startsWith('filedesc:');
  const warcHeaders = (type: string, contentType: string): Uint8Array =>
    crlfHeaders(
      ['WARC/1.0', `WARC-Type: ${type}`, `WARC-Target-URI: ${url}`, `WARC-Date: ${arcDate(date)}`, `Content-Type: ${contentType}`, `Content-Length: ${declared}`, '', ''].join('\n'),
    );
  if (declared > options.holdLimit) {
    yield* largeRecord(source, start, warcHeaders(isHeader ? 'warcinfo' : 'resource', mime), declared);
    return;
  }
  const available = await source.fill(declared);
  const block = source.peek(Math.min(available, declared)).slice();
  source.skip(block.length);
  if (block.length < declared) {
    yield { kind: 'damaged', offset: start, end: source.offset, cut: true, url, message: `the data ends inside the ARC record at ${options.describe(start)}: ${declared - block.length} of its ${declared} bytes are missing` };
    return;
  }
  if (!(await arcRecordFollows(source)) && !(await wholeHttpBlockThenNewline(source, block))) {
    // The declared length does not end where a record (or the file) does: reject up to where the next record begins.
    const blockStart = start + lineEnd + 1;
    // (Searched on past the block: the next header line may begin inside it and end after it.)
    const ahead = latin1.decode(source.peek(await source.fill(MAX_ARC_LINE)));
    const found = NEXT_ARC_LINE.exec(latin1.decode(block) + ahead);
    const inner = found && found.index < block.length ? found : null;
    let next: number | null;
    if (inner) {
      next = blockStart + inner.index + 1;
      source.unshift(block.subarray(inner.index + 1));
    } else {
      const found = await source.skipTo(NEXT_ARC_LINE, MAX_ARC_LINE);
      next = found === null ? null : found + 1;
      if (found !== null) source.skip(1);
    }
    const end = next ?? source.offset;
    const where = next === null ? 'no ARC record follows it' : `the next ARC record begins at ${options.describe(next)}`;
    const message = `the ARC record at ${options.describe(start)} declares ${declared} bytes, but ${where} (its length is too ${inner ? 'large' : 'small'}): bytes ${options.describe(start)}-${options.describe(end - 1)} rejected`;
    yield { kind: 'damaged', offset: start, end, cut: false, url, message };
    return;
  }
  const http = !isHeader && latin1.decode(block.subarray(0, 5)) === 'HTTP/';
  const type = isHeader ? 'warcinfo' : http ? 'response' : 'resource';
  const headerBytes = warcHeaders(type, http ? 'application/http; msgtype=response' : mime);
  const record = concatBytes([headerBytes, block]);
  yield { kind: 'record', offset: start, bytes: record, endsUnit: await source.atEnd() };
}

/** An ARC record header line (URL with a scheme, IP, 14-digit date and more, content type, [5 more fields,] length), after a newline. */
const NEXT_ARC_LINE = /\n[A-Za-z][A-Za-z0-9+.-]*:[^ \r\n]* [^ \r\n]+ \d{14}\d* [^ \r\n]*(?: [^ \r\n]+){1,6}\r?\n/;
/** Longest ARC header line looked for when resynchronizing. */
const MAX_ARC_LINE = 8192;

/** True when what follows (after line ends) is the next ARC header line or the end of the data; nothing is consumed. */
async function arcRecordFollows(source: ByteSource): Promise<boolean> {
  const available = await source.fill(MAX_ARC_LINE);
  const ahead = latin1.decode(source.peek(available));
  const rest = ahead.replace(/^[\r\n]+/, '');
  return rest === '' || NEXT_ARC_LINE.exec(`\n${rest}`)?.index === 0;
}

/**
 * True when the block is an HTTP response whose Content-Length is exactly what follows its headers, and the ARC record
 * separator comes next: then the block is whole, and bytes after it that start no record are the next span's damage.
 */
async function wholeHttpBlockThenNewline(source: ByteSource, block: Uint8Array): Promise<boolean> {
  if ((await source.fill(1)) === 0 || source.peek(1)[0] !== 0x0a) return false;
  const head = latin1.decode(block.subarray(0, Math.min(block.length, HTTP_HEAD_BYTES)));
  const end = head.startsWith('HTTP/') ? headerEnd(head) : null;
  const length = end === null ? undefined : /^Content-Length:[ \t]*(\d+)[ \t]*\r?$/im.exec(head.slice(0, end))?.[1];
  return end !== null && length !== undefined && Number(length) === block.length - end;
}

/** ARC's `YYYYMMDDhhmmss` (sometimes with more digits) as a WARC-Date. */
function arcDate(date: string): string {
  const digits = date.replace(/\D/g, '').padEnd(14, '0');
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:${digits.slice(12, 14)}Z`;
}
