import { WARCRecord, WARCSerializer, type WARCType } from 'warcio';

/**
 * Writes WARC records with warcio, the way crawlers do (one gzip member per record when `gzip`), for tests.
 * Records are described in plain objects; payloads are the test's own bytes.
 */

export interface WarcRecordSpec {
  type: WARCType;
  url?: string;
  /** WARC-Date, ISO 8601 (e.g. `2024-03-01T10:00:00Z`). */
  date?: string;
  /** HTTP response/request headers (response, request, revisit). */
  httpHeaders?: Record<string, string>;
  /** HTTP status line, default `HTTP/1.1 200 OK`. */
  statusline?: string;
  /** Extra WARC headers, e.g. `Content-Type` for a resource record or `WARC-Refers-To` for a revisit. */
  warcHeaders?: Record<string, string>;
  refersToUrl?: string;
  refersToDate?: string;
  payload?: Uint8Array | string;
}

const encoder = new TextEncoder();

/** One record as WARC bytes. */
export async function serializeRecord(spec: WarcRecordSpec, gzip: boolean): Promise<Uint8Array> {
  const payload = typeof spec.payload === 'string' ? encoder.encode(spec.payload) : (spec.payload ?? new Uint8Array());
  const record = WARCRecord.create(
    {
      type: spec.type,
      url: spec.url,
      date: spec.date,
      httpHeaders: spec.httpHeaders,
      statusline: spec.statusline,
      warcHeaders: spec.warcHeaders,
      warcVersion: 'WARC/1.1',
      refersToUrl: spec.refersToUrl,
      refersToDate: spec.refersToDate,
    },
    payload.length ? [payload] : [],
  );
  return WARCSerializer.serialize(record, { gzip });
}

/** A whole WARC file: the records one after another (each its own gzip member when `gzip`), and where each starts. */
export async function writeWarc(specs: WarcRecordSpec[], gzip: boolean): Promise<{ bytes: Uint8Array; offsets: number[] }> {
  const parts = await Promise.all(specs.map((spec) => serializeRecord(spec, gzip)));
  const offsets: number[] = [];
  let offset = 0;
  for (const part of parts) {
    offsets.push(offset);
    offset += part.length;
  }
  return { bytes: concatBytes(parts), offsets };
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes as a stream of chunks of `chunkSize` (as S3 or a file would deliver them). */
export async function* chunked(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
}

/**
 * An uncompressed `resource` record of `size` payload bytes as a stream, built from one reused `fill` chunk,
 * so a test can feed a record far larger than it wants to hold in memory.
 */
export async function* streamLargeResource(url: string, date: string, size: number, fill: Uint8Array): AsyncGenerator<Uint8Array> {
  const headers = [
    'WARC/1.1',
    'WARC-Type: resource',
    `WARC-Target-URI: ${url}`,
    `WARC-Date: ${date}`,
    `WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-${String(size).padStart(12, '0')}>`,
    'Content-Type: text/html',
    `Content-Length: ${size}`,
  ];
  yield encoder.encode(`${headers.join('\r\n')}\r\n\r\n`);
  for (let left = size; left > 0; left -= fill.length) yield left >= fill.length ? fill : fill.subarray(0, left);
  yield encoder.encode('\r\n\r\n');
}
