/**
 * Damaged WARCs, generated with warcio (test/support/warc-writer.ts) and then damaged: garbage between gzip members or
 * records, a Content-Length 200 bytes too large or too small, a corrupt gzip member. Only the damaged span is
 * rejected (with its byte range); every record before and after it is read.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveCoreConfig } from '../../functions/core/config.ts';
import { splitRecords, type PageRecord } from '../../functions/core/records/index.ts';
import { seededRandom } from '../support/random.ts';
import { chunked, concatBytes, serializeRecord, type WarcRecordSpec } from '../support/warc-writer.ts';

const config = resolveCoreConfig();
const encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');

const pageSpec = (index: number): WarcRecordSpec => ({
  type: 'response',
  url: `https://news.example/story-${index}`,
  date: `2024-03-0${index + 1}T10:00:00Z`,
  httpHeaders: { 'Content-Type': 'text/html; charset=utf-8' },
  payload: `<html><body><article><p>${`Story ${index} of the harbour town. `.repeat(30)}</p></article></body></html>`,
});
const PAGES = 5;

async function uncompressedParts(): Promise<Uint8Array[]> {
  return Promise.all(Array.from({ length: PAGES }, (_, index) => serializeRecord(pageSpec(index), false)));
}

/** The record with its Content-Length changed by `delta` (its bytes unchanged). */
function withLengthOff(record: Uint8Array, delta: number): Uint8Array {
  return encoder.encode(latin1.decode(record).replace(/Content-Length: (\d+)\r\n\r\n/, (_, length: string) => `Content-Length: ${Number(length) + delta}\r\n\r\n`));
}

function offsetsOf(parts: Uint8Array[]): number[] {
  let offset = 0;
  return parts.map((part) => {
    const at = offset;
    offset += part.length;
    return at;
  });
}

async function split(bytes: Uint8Array, fileName: string, chunkSize = 1000): Promise<PageRecord[]> {
  const records: PageRecord[] = [];
  for await (const record of splitRecords(chunked(bytes, chunkSize), { fileName }, config)) records.push(record);
  return records;
}

const DAMAGE_KINDS = ['cut', 'insert', 'overwrite'] as const;

/** One round of seeded damage: cut, insert or overwrite 1-40 bytes at a random place (the kind turns with the round). */
function damaged(whole: readonly number[], random: () => number, round: number): { bytes: Uint8Array; at: number; size: number; damageEnd: number; describe: string } {
  const bytes = [...whole];
  const at = Math.floor(random() * bytes.length);
  const size = 1 + Math.floor(random() * 40);
  const kind = round % 3;
  if (kind === 0) bytes.splice(at, size);
  else if (kind === 1) bytes.splice(at, 0, ...Array.from({ length: size }, () => Math.floor(random() * 256)));
  else for (let index = at; index < Math.min(bytes.length, at + size); index++) bytes[index] = Math.floor(random() * 256);
  return { bytes: Uint8Array.from(bytes), at, size, damageEnd: kind === 1 ? at : at + size, describe: `round ${round}: ${DAMAGE_KINDS[kind]} of ${size} at ${at}` };
}

const summary = (records: PageRecord[]): string[] => records.map((record) => `${record.recordId} ${record.error ? `rejected ${record.error.code}` : `${record.kind} ${record.hints.url}`}`);
const page = (offset: number, index: number): string => `@${offset} page https://news.example/story-${index}`;

describe('damaged WARCs: the damaged span is rejected with its byte range, everything else is read', () => {
  it('10 garbage bytes between two gzip members: one damaged span, all five pages read', async () => {
    const members = (await uncompressedParts()).map((part) => gzipSync(part));
    const parts = [...members.slice(0, 2), encoder.encode('GARBAGE!!!'), ...members.slice(2)];
    const offsets = offsetsOf(parts);
    for (const chunkSize of [1000, 7, 1 << 20]) {
      const records = await split(concatBytes(parts), 'crawl.warc.gz', chunkSize);
      expect(summary(records)).toEqual([page(offsets[0]!, 0), page(offsets[1]!, 1), `@${offsets[2]} rejected damaged`, page(offsets[3]!, 2), page(offsets[4]!, 3), page(offsets[5]!, 4)]);
      expect(records[2]!.error!.message).toContain(`bytes ${offsets[2]}-${offsets[3]! - 1} (10 bytes) are not a gzip member: skipped to the next member at ${offsets[3]}`);
    }
  });

  it('a corrupt gzip member: that member rejected, the next ones read', async () => {
    const members = (await uncompressedParts()).map((part) => gzipSync(part));
    const corrupt = members[1]!.slice();
    corrupt.fill(0xff, 20, 60); // inside the deflate data
    const parts = [members[0]!, corrupt, ...members.slice(2)];
    const offsets = offsetsOf(parts);
    const records = await split(concatBytes(parts), 'crawl.warc.gz');
    const good = records.filter((record) => !record.error);
    expect(summary(good)).toEqual([page(offsets[0]!, 0), page(offsets[2]!, 2), page(offsets[3]!, 3), page(offsets[4]!, 4)]);
    const rejected = records.filter((record) => record.error);
    expect(summary(rejected)).toEqual([`@${offsets[1]} rejected damaged`]);
    expect(rejected[0]!.error!.message).toMatch(new RegExp(`the gzip member at ${offsets[1]} is corrupt \\(.+\\) at about byte \\d+: bytes ${offsets[1]}-${offsets[2]! - 1} rejected, skipped to the next member at ${offsets[2]}`));
  });

  for (const gzip of [false, true]) {
    const name = gzip ? 'crawl.warc.gz' : 'crawl.warc';
    const assemble = (parts: Uint8Array[]): Uint8Array[] => (gzip ? parts.map((part) => gzipSync(part)) : parts);

    it(`${gzip ? 'per-record gzip' : 'plain'}: a Content-Length 200 bytes too large rejects that record only`, async () => {
      const parts = await uncompressedParts();
      parts[2] = withLengthOff(parts[2]!, 200);
      const stored = assemble(parts);
      const offsets = offsetsOf(stored);
      const records = await split(concatBytes(stored), name);
      expect(summary(records)).toEqual([page(offsets[0]!, 0), page(offsets[1]!, 1), `@${offsets[2]} rejected damaged`, page(offsets[3]!, 3), page(offsets[4]!, 4)]);
      const message = records[2]!.error!.message;
      if (gzip) expect(message).toMatch(/its gzip member ends there: its Content-Length is too large/);
      else expect(message).toContain(`the next WARC record begins at ${offsets[3]}, 196 bytes before that end (its Content-Length is too large): bytes ${offsets[2]}-${offsets[3]! - 1} rejected`);
    });

    it(`${gzip ? 'per-record gzip' : 'plain'}: a Content-Length 200 bytes too small is said (a cut payload), not recorded`, async () => {
      const parts = await uncompressedParts();
      parts[2] = withLengthOff(parts[2]!, -200);
      const stored = assemble(parts);
      const offsets = offsetsOf(stored);
      const records = await split(concatBytes(stored), name);
      expect(summary(records)).toEqual([page(offsets[0]!, 0), page(offsets[1]!, 1), `@${offsets[2]} rejected damaged`, page(offsets[3]!, 3), page(offsets[4]!, 4)]);
      expect(records[2]!.error!.message).toMatch(/Content-Length \d+ is too small, so its payload would be cut/);
      if (!gzip) expect(records[2]!.error!.message).toContain(`skipped to the next WARC record at ${offsets[3]}`);
    });
  }

  it('plain: garbage between two whole records is its own damaged span; the record before it stays whole', async () => {
    const parts = await uncompressedParts();
    const stored = [...parts.slice(0, 3), encoder.encode('this line is not a WARC record\r\nnor this one\r\n'), ...parts.slice(3)];
    const offsets = offsetsOf(stored);
    const records = await split(concatBytes(stored), 'crawl.warc');
    expect(summary(records)).toEqual([page(offsets[0]!, 0), page(offsets[1]!, 1), page(offsets[2]!, 2), `@${offsets[3]} rejected damaged`, page(offsets[4]!, 3), page(offsets[5]!, 4)]);
    expect(records[3]!.error!.message).toContain(`bytes ${offsets[3]}-${offsets[4]! - 1} (${offsets[4]! - offsets[3]!} bytes) do not start a WARC record: skipped to the next WARC record at ${offsets[4]}`);
  });

  it('a payload holding a WARC/1.1 line is not taken for a record boundary when the length is right', async () => {
    const nested = await serializeRecord(pageSpec(9), false);
    const parts = [...(await uncompressedParts()).slice(0, 2), await serializeRecord({ type: 'resource', url: 'file:///inner.warc', warcHeaders: { 'Content-Type': 'application/warc' }, payload: nested }, false)];
    const offsets = offsetsOf(parts);
    const records = await split(concatBytes(parts), 'crawl.warc');
    expect(summary(records)).toEqual([page(offsets[0]!, 0), page(offsets[1]!, 1), `@${offsets[2]} skipped file:///inner.warc`]);
  });
});

describe('random damage (seeded): nothing outside the damaged bytes is lost', () => {
  for (const gzip of [false, true]) {
    it(`${gzip ? 'per-record gzip' : 'plain'}: 300 cuts, insertions and overwrites of 1-40 bytes; every page record clear of them is read`, async () => {
      const specs: WarcRecordSpec[] = Array.from({ length: 6 }, (_, index) =>
        index % 2 ? { type: 'request', url: `https://news.example/story-${index}`, statusline: 'GET / HTTP/1.1', httpHeaders: { Host: 'news.example' } } : pageSpec(index),
      );
      const parts = await Promise.all(specs.map((spec) => serializeRecord(spec, false)));
      const stored = gzip ? parts.map((part) => gzipSync(part)) : parts;
      const offsets = offsetsOf(stored);
      const whole = Array.from(concatBytes(stored));
      const random = seededRandom(gzip ? 12 : 11);
      const lost: string[] = [];
      for (let round = 0; round < 300; round++) {
        const { bytes, at, damageEnd, describe } = damaged(whole, random, round);
        const records = await split(bytes, gzip ? 'crawl.warc.gz' : 'crawl.warc', 97);
        expect(new Set(records.map((record) => record.recordId)).size).toBe(records.length);
        const pages = records.filter((record) => record.kind === 'page' && !record.error).length;
        // Page records wholly before the damage, or starting after it (and its record separator), must all be read.
        const clear = offsets.filter((offset, index) => index % 2 === 0 && (offset + stored[index]!.length <= at || offset > damageEnd + 4)).length;
        if (pages < clear) lost.push(`${describe}: ${pages} pages read of ${clear} clear`);
      }
      expect(lost).toEqual([]);
    });
  }
});

describe('records too large to hold (streamed, not held while checked)', () => {
  it('a wrong length after a streamed record costs only the span up to the next record', async () => {
    const small = { ...config, maxInputBytes: 1000 };
    const big = await serializeRecord({ type: 'resource', url: 'https://big.example/', warcHeaders: { 'Content-Type': 'text/html' }, payload: 'x'.repeat(1_200_000) }, false);
    const parts = [withLengthOff(big, -200), ...(await uncompressedParts()).slice(0, 2)];
    const offsets = offsetsOf(parts);
    const records: PageRecord[] = [];
    for await (const record of splitRecords(chunked(concatBytes(parts), 4096), { fileName: 'big.warc' }, small)) records.push(record);
    expect(summary(records)).toEqual([`@${offsets[0]} rejected too-large`, expect.stringMatching(/^@\d+ rejected damaged$/), page(offsets[1]!, 0), page(offsets[2]!, 1)]);
    expect(records[1]!.error!.message).toContain(`skipped to the next WARC record at ${offsets[1]}`);
  });
});

describe('damaged ARC files', () => {
  /** An ARC file: its filedesc header, then HTTP responses, the first declaring `delta` bytes more than it holds. */
  function arcFile(delta: number): { bytes: Uint8Array; offsets: number[] } {
    const version = '1 0 Invented\nURL IP-address Archive-date Content-type Archive-length\n';
    const parts = [encoder.encode(`filedesc://invented.arc 127.0.0.1 20080101000000 text/plain ${version.length}\n${version}\n`)];
    for (const index of [0, 1, 2]) {
      const body = `<html><body><p>${`Story ${index} of the harbour town. `.repeat(30)}</p></body></html>`;
      const http = `HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      parts.push(encoder.encode(`https://news.example/story-${index} 192.0.2.1 2008010100000${index} text/html ${http.length + (index === 1 ? delta : 0)}\n${http}\n`));
    }
    return { bytes: concatBytes(parts), offsets: offsetsOf(parts) };
  }

  it('seeded random damage (300 cuts, insertions, overwrites of 1-40 bytes): every page record clear of it is read', async () => {
    const { bytes: whole, offsets } = arcFile(0);
    const ends = [...offsets.slice(1), whole.length];
    const random = seededRandom(13);
    const lost: string[] = [];
    for (let round = 0; round < 300; round++) {
      const { bytes, at, damageEnd, describe } = damaged(Array.from(whole), random, round);
      const records = await split(bytes, 'old.arc', 61);
      expect(new Set(records.map((record) => record.recordId)).size).toBe(records.length);
      const pages = records.filter((record) => record.kind === 'page' && !record.error).length;
      const clear = offsets.filter((offset, index) => index > 0 && (ends[index]! <= at || offset > damageEnd + 1)).length;
      if (pages < clear) lost.push(`${describe}: ${pages} pages read of ${clear} clear`);
    }
    expect(lost).toEqual([]);
  });

  for (const delta of [50, -50]) {
    it(`a length ${Math.abs(delta)} bytes too ${delta > 0 ? 'large' : 'small'} rejects that record only`, async () => {
      const { bytes, offsets } = arcFile(delta);
      for (const chunkSize of [1000, 13]) {
        const records = await split(bytes, 'old.arc', chunkSize);
        expect(summary(records)).toEqual([`@0 skipped filedesc://invented.arc`, page(offsets[1]!, 0), `@${offsets[2]} rejected damaged`, page(offsets[3]!, 2)]);
        expect(records[2]!.error!.message).toContain(`the next ARC record begins at ${offsets[3]} (its length is too ${delta > 0 ? 'large' : 'small'}): bytes ${offsets[2]}-${offsets[3]! - 1} rejected`);
      }
    });
  }
});

describe('odd but readable WARCs', () => {
  it('reads a record whose WARC-Target-URI is 300 KB (a header block far over 64 KB), plain and gzip', async () => {
    const url = `https://huge.example/${'p'.repeat(300 * 1024)}`;
    const parts = [await serializeRecord({ ...pageSpec(0), url }, false), ...(await uncompressedParts()).slice(1, 2)];
    for (const gzip of [false, true]) {
      const stored = gzip ? parts.map((part) => gzipSync(part)) : parts;
      const offsets = offsetsOf(stored);
      const records = await split(concatBytes(stored), gzip ? 'huge.warc.gz' : 'huge.warc', 64 * 1024);
      expect(summary(records)).toEqual([`@0 page ${url}`, page(offsets[1]!, 1)]);
    }
  });

  it('an empty file named .warc is one rejected record (empty), not an object with nothing in it', async () => {
    expect(summary(await split(new Uint8Array(), 'empty.warc'))).toEqual(['@0 rejected empty']);
  });

  it('reads a record whose WARC and HTTP header lines end in CR CR LF (as pywb does), keeping UTF-8 header values', async () => {
    const body = '<html><body><p>Crème brûlée, read whole.</p></body></html>';
    const http = `HTTP/1.1 200 OK\r\r\nContent-Type: text/html; charset=utf-8\r\r\nContent-Length: ${Buffer.byteLength(body)}\r\r\n\r\r\n${body}`;
    const block = Buffer.from(http, 'utf8');
    const headers = ['WARC/1.0', 'WARC-Type: response', 'WARC-Target-URI: https://café.example/crème', 'WARC-Date: 2024-01-01T00:00:00Z', `Content-Length: ${block.length}`, '', ''].join('\r\r\n');
    const bytes = concatBytes([Buffer.from(headers, 'utf8'), block, encoder.encode('\r\n\r\n')]);
    const [record, ...rest] = await split(bytes, 'odd.warc', 5);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ recordId: '@0', kind: 'page', hints: { url: 'https://café.example/crème', contentType: 'text/html; charset=utf-8' } });
    expect(new TextDecoder().decode(record!.bytes)).toBe(body);
  });

  it('reads a request record whose HTTP block ends without its blank line, and the records after it', async () => {
    const request = await serializeRecord({ type: 'request', url: 'https://news.example/story-1', statusline: 'GET /story-1 HTTP/1.1', httpHeaders: { Host: 'news.example' } }, false);
    // Drop the HTTP blank line inside the block (and say so in Content-Length), as wget and wpull write it.
    const text = latin1.decode(request);
    const cut = text.replace(/Host: news\.example\r\n\r\n\r\n\r\n$/, 'Host: news.example\r\n\r\n\r\n').replace(/Content-Length: (\d+)/, (_, length: string) => `Content-Length: ${Number(length) - 2}`);
    expect(cut).not.toBe(text);
    const parts = [...(await uncompressedParts()).slice(0, 1), encoder.encode(cut), ...(await uncompressedParts()).slice(1)];
    for (const gzip of [false, true]) {
      const stored = gzip ? parts.map((part) => gzipSync(part)) : parts;
      const offsets = offsetsOf(stored);
      const records = await split(concatBytes(stored), gzip ? 'crawl.warc.gz' : 'crawl.warc');
      expect(summary(records)).toEqual([page(offsets[0]!, 0), `@${offsets[1]} skipped https://news.example/story-1`, ...[1, 2, 3, 4].map((index) => page(offsets[index + 1]!, index))]);
    }
  });
});
