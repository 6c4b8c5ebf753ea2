import { constants, inflateRawSync } from 'node:zlib';

/**
 * Finding the first WARC record that starts inside a window of a file read from an arbitrary byte (a range of a big
 * WARC): the split of a big object into ranges needs no index and no pass over the whole file first.
 *
 * - Compressed WARC (one gzip member per record, as crawlers write it): a gzip member header (1f 8b 08, reserved flag
 *   bits clear) whose deflate stream inflates to `WARC/1.`. Compressed bytes that happen to look like a member header
 *   do not inflate to a WARC version line; a file gzipped whole has no member after its first, so later ranges are empty.
 * - Plain WARC: `WARC/1.` right after the `\r\n\r\n` that ends the previous record, with a header block naming a
 *   WARC-Type and a Content-Length. (A page that quotes a whole WARC record after a blank line could be mistaken for
 *   one; the WARC standard's own separator is all there is to go by.)
 *
 * Returns the index in `bytes` of the first record start at or after `from`; 'more' when the window ends before a
 * candidate could be checked (call again with more bytes); 'none' when `final` and no record starts in the window.
 */
export type RecordStartSearch = { found: number } | { more: true; resumeAt: number } | { none: true };

const WARC_LINE = new TextEncoder().encode('WARC/1.');
const HEADER_END = new TextEncoder().encode('\r\n\r\n');
/** Bytes of a candidate needed to judge it: a gzip header plus enough deflate data, or a WARC header block. */
const CHECK_WINDOW = 8192;
const latin1 = new TextDecoder('latin1');

export function findRecordStart(bytes: Uint8Array, compressed: boolean, final: boolean, from = 0): RecordStartSearch {
  for (let at = from; at < bytes.length; at++) {
    const candidate = compressed ? bytes.indexOf(0x1f, at) : indexOf(bytes, WARC_LINE, at);
    if (candidate < 0) break;
    at = candidate;
    if (compressed && !(bytes[at] === 0x1f && bytes[at + 1] === 0x8b && bytes[at + 2] === 0x08)) continue;
    if (!final && at + CHECK_WINDOW > bytes.length) return { more: true, resumeAt: at };
    if (compressed ? isGzipWarcMember(bytes, at) : isPlainWarcRecord(bytes, at)) return { found: at };
  }
  if (!final) return { more: true, resumeAt: Math.max(from, bytes.length - (compressed ? 2 : WARC_LINE.length - 1)) };
  return { none: true };
}

function isGzipWarcMember(bytes: Uint8Array, at: number): boolean {
  const flags = bytes[at + 3] ?? 0;
  if (flags & 0xe0) return false;
  let header = 10;
  const view = bytes.subarray(at, at + CHECK_WINDOW);
  if (flags & 0x04) header += 2 + ((view[10] ?? 0) | ((view[11] ?? 0) << 8)); // FEXTRA
  if (flags & 0x08) header = skipZeroTerminated(view, header); // FNAME
  if (flags & 0x10) header = skipZeroTerminated(view, header); // FCOMMENT
  if (flags & 0x02) header += 2; // FHCRC
  if (header >= view.length) return false;
  try {
    const inflated = inflateRawSync(view.subarray(header), { finishFlush: constants.Z_SYNC_FLUSH });
    return startsWith(inflated, WARC_LINE, 0);
  } catch {
    return false;
  }
}

function isPlainWarcRecord(bytes: Uint8Array, at: number): boolean {
  // What the window holds of the 4 bytes before must be the end of the `\r\n\r\n` that closes the previous record.
  const before = Math.min(at, HEADER_END.length);
  if (!startsWith(bytes.subarray(at - before, at), HEADER_END.subarray(HEADER_END.length - before), 0)) return false;
  const end = indexOf(bytes, HEADER_END, at);
  if (end < 0 || end - at > CHECK_WINDOW) return false;
  const headers = latin1.decode(bytes.subarray(at, end));
  return /\r\nWARC-Type:/i.test(headers) && /\r\nContent-Length:\s*\d+/i.test(headers);
}

function skipZeroTerminated(bytes: Uint8Array, at: number): number {
  const zero = bytes.indexOf(0, at);
  return zero < 0 ? bytes.length : zero + 1;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(needle[0]!, from); at >= 0; at = bytes.indexOf(needle[0]!, at + 1)) {
    if (startsWith(bytes, needle, at)) return at;
    if (at + needle.length > bytes.length) return -1;
  }
  return -1;
}
