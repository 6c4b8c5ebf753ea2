/**
 * Crawl files for the bad input corpus, generated at test time with warcio (warc-writer.ts) and then damaged the way
 * real crawl files are: garbage between gzip members, a Content-Length 200 bytes too large or too small, a request
 * record whose HTTP block lacks its blank line, CR CR LF line ends, an ARC file, a file with no page record; and
 * UTF-16 pages without a BOM. Each says what every record must become. Page text is invented.
 */
import { gzipSync } from 'node:zlib';
import { REJECT_CODES } from '../../functions/core/errors.ts';
import { articleHtml, inventedArticle } from '../reliability/pages.ts';
import type { BadInput, BadInputExpectation } from './bad-inputs.ts';
import { concatBytes, serializeRecord, type WarcRecordSpec } from './warc-writer.ts';

const encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');
const latin1Bytes = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

const pageTitle = (seed: number): string => `Invented crawl page ${seed}`;
const pageSpec = (seed: number): WarcRecordSpec => ({
  type: 'response',
  url: `https://crawl.example/page-${seed}`,
  date: '2024-05-01T10:00:00Z',
  httpHeaders: { 'Content-Type': 'text/html; charset=utf-8' },
  payload: articleHtml(pageTitle(seed), inventedArticle(seed, 4)),
});
const requestSpec = (seed: number): WarcRecordSpec => ({ type: 'request', url: `https://crawl.example/page-${seed}`, statusline: `GET /page-${seed} HTTP/1.1`, httpHeaders: { Host: 'crawl.example' } });

/** What one stored part of a crawl file must become: a recorded page, a rejection, a skipped record, or nothing (garbage joined to a record). */
type Part = { bytes: Uint8Array; outcome: 'recorded'; seed: number } | { bytes: Uint8Array; outcome: 'rejected' } | { bytes: Uint8Array; outcome: 'skipped' };

/**
 * A crawl file input: its parts are built once (warcio writes asynchronously), so its records (ids are their offsets
 * in the stored file) and its skipped count are known once `bytes()` was built.
 */
function crawlInput(name: string, key: string, build: () => Promise<Part[]>): BadInput {
  let built: Part[] | null = null;
  const parts = (): Part[] => {
    if (!built) throw new Error(`${name}: bytes() must be built before its records are known`);
    return built;
  };
  return {
    name,
    key,
    async bytes() {
      built ??= await build();
      return concatBytes(built.map((part) => part.bytes));
    },
    contentType: 'application/warc',
    expect: { status: 'recorded' },
    get records() {
      if (!built) return undefined;
      let offset = 0;
      return parts().flatMap((part): { recordId: string; expect: BadInputExpectation }[] => {
        const recordId = `@${offset}`;
        offset += part.bytes.length;
        if (part.outcome === 'recorded') return [{ recordId, expect: { status: 'recorded', title: pageTitle(part.seed) } }];
        if (part.outcome === 'rejected') return [{ recordId, expect: { status: 'rejected', reasonCode: REJECT_CODES.damaged } }];
        return [];
      });
    },
    skippedRecords: () => parts().filter((part) => part.outcome === 'skipped').length,
  };
}

const record = async (spec: WarcRecordSpec): Promise<Uint8Array> => serializeRecord(spec, false);
const gzipped = (parts: Part[]): Part[] => parts.map((part) => ({ ...part, bytes: gzipSync(part.bytes) }));
const recorded = async (seed: number): Promise<Part> => ({ bytes: await record(pageSpec(seed)), outcome: 'recorded', seed });

/** The record with its Content-Length changed by `delta`, its bytes unchanged. */
async function lengthOff(seed: number, delta: number): Promise<Part> {
  const text = latin1.decode(await record(pageSpec(seed)));
  return { bytes: latin1Bytes(text.replace(/Content-Length: (\d+)\r\n\r\n/, (_, length: string) => `Content-Length: ${Number(length) + delta}\r\n\r\n`)), outcome: 'rejected' };
}

/** A request record whose HTTP block ends without its blank line, as wget and wpull write them. */
async function requestWithoutBlankLine(seed: number): Promise<Part> {
  const text = latin1.decode(await record(requestSpec(seed)));
  const cut = text.replace(/\r\n\r\n\r\n\r\n$/, '\r\n\r\n\r\n').replace(/Content-Length: (\d+)/, (_, length: string) => `Content-Length: ${Number(length) - 2}`);
  return { bytes: latin1Bytes(cut), outcome: 'skipped' };
}

/** A page record whose WARC and HTTP header lines all end in CR CR LF (pywb's missing-status-text.warc has them). */
async function crCrLf(seed: number): Promise<Part> {
  const body = encoder.encode(articleHtml(pageTitle(seed), inventedArticle(seed, 4)));
  const http = concatBytes([encoder.encode(`HTTP/1.1 200 OK\r\r\nContent-Type: text/html; charset=utf-8\r\r\nContent-Length: ${body.length}\r\r\n\r\r\n`), body]);
  const headers = ['WARC/1.0', 'WARC-Type: response', `WARC-Target-URI: https://crawl.example/page-${seed}`, 'WARC-Date: 2024-05-01T10:00:00Z', `Content-Length: ${http.length}`, '', ''].join('\r\r\n');
  return { bytes: concatBytes([encoder.encode(headers), http, encoder.encode('\r\n\r\n')]), outcome: 'recorded', seed };
}

/** An ARC file (version 1): its filedesc header record and one HTTP response. */
function arcFile(seed: number): Part[] {
  const version = '1 0 Invented\nURL IP-address Archive-date Content-type Archive-length\n';
  const header = encoder.encode(`filedesc://invented.arc 127.0.0.1 20080101000000 text/plain ${version.length}\n${version}\n`);
  const body = encoder.encode(articleHtml(pageTitle(seed), inventedArticle(seed, 4)));
  const http = concatBytes([encoder.encode(`HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  const response = concatBytes([encoder.encode(`https://crawl.example/page-${seed} 192.0.2.1 20080101000001 text/html ${http.length}\n`), http, encoder.encode('\n')]);
  return [{ bytes: header, outcome: 'skipped' }, { bytes: response, outcome: 'recorded', seed }];
}

const UTF16_TITLE = 'Crème brûlée in UTF-16';
const utf16Page = (seed: number, bigEndian: boolean): Uint8Array => {
  const bytes = Buffer.from(articleHtml(UTF16_TITLE, inventedArticle(seed, 4)), 'utf16le');
  return Uint8Array.from(bigEndian ? bytes.swap16() : bytes);
};

export function badWarcInputs(prefix = 'bad/'): BadInput[] {
  const k = (name: string): string => `${prefix}${name}`;
  return [
    crawlInput('WARC: 10 garbage bytes between two gzip members', k('garbage-between-members.warc.gz'), async () => [
      ...gzipped([await recorded(101), await recorded(102)]),
      { bytes: encoder.encode('GARBAGE!!!'), outcome: 'rejected' },
      ...gzipped([await recorded(103), await recorded(104)]),
    ]),
    crawlInput('WARC: a Content-Length 200 bytes too large', k('length-too-large.warc'), async () => [await recorded(111), await lengthOff(112, 200), await recorded(113)]),
    crawlInput('WARC: a Content-Length 200 bytes too small (cut payload)', k('length-too-small.warc'), async () => [await recorded(121), await lengthOff(122, -200), await recorded(123)]),
    crawlInput('WARC (gzip): a Content-Length 200 bytes too large', k('length-too-large.warc.gz'), async () => gzipped([await recorded(131), await lengthOff(132, 200), await recorded(133)])),
    crawlInput('WARC: request records without the HTTP blank line', k('request-no-blank-line.warc.gz'), async () =>
      gzipped([await requestWithoutBlankLine(141), await recorded(141), await requestWithoutBlankLine(142), await recorded(142)]),
    ),
    crawlInput('WARC: CR CR LF line ends', k('cr-cr-lf.warc'), async () => [await crCrLf(151), await recorded(152)]),
    crawlInput('WARC: no page record (POST captures only)', k('post-only.warc.gz'), async () =>
      gzipped([
        { bytes: await record({ ...requestSpec(161), statusline: 'POST /form HTTP/1.1' }), outcome: 'skipped' },
        { bytes: await record({ type: 'response', url: 'https://crawl.example/form', httpHeaders: { 'Content-Type': 'application/json' }, payload: '{"ok":true}' }), outcome: 'skipped' },
      ]),
    ),
    crawlInput('ARC file (before WARC)', k('crawl.arc'), async () => arcFile(171)),
    { name: 'UTF-16LE without BOM, charset declared', key: k('utf16le-no-bom.html'), bytes: () => utf16Page(181, false), contentType: 'text/html; charset=utf-16le', expect: { status: 'recorded', title: UTF16_TITLE } },
    { name: 'UTF-16BE without BOM or charset', key: k('utf16be-no-bom.html'), bytes: () => utf16Page(182, true), contentType: 'text/html', expect: { status: 'recorded', title: UTF16_TITLE } },
  ];
}
