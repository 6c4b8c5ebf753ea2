import type { CoreConfig } from '../config.ts';
import { InputRejected, REJECT_CODES, type RejectCode } from '../errors.ts';
import type { InputHints } from '../types.ts';
import { concatBytes } from './stream.ts';
import type { PageRecord } from './types.ts';

/**
 * Splits a JSON-lines scrape into page records, one per line, streaming: only the current line is held.
 * Each line is an object `{ url?, html | text, scrapedAt?, published? }`: `html` wins over `text`;
 * `scrapedAt` is the capture date, `published` the date the page claims (passed as hints.metadata.published,
 * where the dates code reads claimed dates from metadata). Blank lines are not documents and are passed over.
 * A line that is not such an object, or longer than config.maxInputBytes, yields a record with `error`.
 */

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export async function* splitJsonl(stream: AsyncIterable<Uint8Array>, config: CoreConfig, start: { offset: number; line: number } = { offset: 0, line: 1 }): AsyncGenerator<PageRecord> {
  let lineNumber = start.line - 1;
  let offset = start.offset;
  try {
    for await (const { line, bytes } of readLines(stream, config.maxInputBytes)) {
      lineNumber++;
      const recordId = `L${lineNumber}`;
      const lineOffset = offset;
      offset += bytes;
      if (line === null) {
        yield { ...failed(recordId, REJECT_CODES.tooLarge, `line ${lineNumber} is over the limit of ${config.maxInputBytes} bytes`), offset: lineOffset };
        continue;
      }
      const parsed = parseLine(line, lineNumber === 1);
      if ('blank' in parsed) continue;
      if ('error' in parsed) yield { ...failed(recordId, parsed.error.code, `line ${lineNumber} ${parsed.error.message}`, parsed.url), offset: lineOffset };
      else yield { recordId, offset: lineOffset, ...parsed.record };
    }
  } catch (error) {
    // A cut .jsonl.gz: the lines before the cut are out already; the cut itself is one more rejected record.
    if (!(error instanceof InputRejected)) throw error;
    yield { ...failed(`L${lineNumber + 1}`, error.code, `after line ${lineNumber}: ${error.message}`), offset };
  }
}

type ParsedLine = { blank: true } | { error: { code: RejectCode; message: string }; url?: string } | { record: Omit<PageRecord, 'recordId'> };

function parseLine(line: Uint8Array, first: boolean): ParsedLine {
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    return { error: { code: REJECT_CODES.unknownEncoding, message: 'is not valid UTF-8, which JSON lines must be' } };
  }
  if (first) text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { blank: true };

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: { code: REJECT_CODES.unsupported, message: `is not valid JSON (${(error as Error).message})` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: { code: REJECT_CODES.unsupported, message: 'is not a JSON object' } };
  }
  const fields = value as Record<string, unknown>;
  const wrongType = ['url', 'html', 'text', 'scrapedAt', 'published'].find((name) => fields[name] != null && typeof fields[name] !== 'string');
  if (wrongType) return { error: { code: REJECT_CODES.unsupported, message: `has a "${wrongType}" that is not a string` } };

  const { url, html, text: plain, scrapedAt, published } = fields as Partial<Record<string, string>>;
  const body = html ?? plain;
  if (body == null) return { error: { code: REJECT_CODES.noText, message: 'has neither "html" nor "text"' }, url };

  // The JSON string is already Unicode: say so, or a stale <meta charset> in the html would win.
  const hints: InputHints = { contentType: html != null ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8' };
  if (url) hints.url = url;
  if (published) hints.metadata = { published };
  const record: Omit<PageRecord, 'recordId'> = { kind: 'page', bytes: encoder.encode(body), hints };
  if (scrapedAt) record.captureDate = scrapedAt;
  return { record };
}

/**
 * The lines of a byte stream without their `\n` (and `\r`), one at a time, with the bytes each took (newline
 * included); `null` stands for a line longer than `maxLineBytes`, which is read past without being kept.
 */
async function* readLines(stream: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<{ line: Uint8Array | null; bytes: number }> {
  let parts: Uint8Array[] = [];
  let length = 0;
  let tooLong = false;
  const finish = (newline: number): { line: Uint8Array | null; bytes: number } => {
    const line = tooLong ? null : trimCarriageReturn(concatBytes(parts, length));
    const bytes = length + newline;
    parts = [];
    length = 0;
    tooLong = false;
    return { line, bytes };
  };
  const add = (part: Uint8Array): void => {
    length += part.length;
    if (length > maxLineBytes) tooLong = true;
    if (tooLong) parts = [];
    else parts.push(part);
  };

  for await (const chunk of stream) {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline >= 0; newline = chunk.indexOf(NEWLINE, start)) {
      add(chunk.subarray(start, newline));
      yield finish(1);
      start = newline + 1;
    }
    if (start < chunk.length) add(chunk.subarray(start));
  }
  if (length > 0 || tooLong) yield finish(0);
}

function trimCarriageReturn(line: Uint8Array): Uint8Array {
  return line.length && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
}

function failed(recordId: string, code: RejectCode, message: string, url?: string): PageRecord {
  return { recordId, kind: 'page', bytes: new Uint8Array(), hints: url ? { url } : {}, error: { code, message } };
}
