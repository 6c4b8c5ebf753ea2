/**
 * The bad input corpus, generated at test time (no binaries committed): every kind of object a scraper bucket
 * receives that is not a tidy web page, with what the ingest must make of it. Page text is invented.
 */
import { gzipSync } from 'node:zlib';
import { REJECT_CODES, type RejectCode } from '../../functions/core/errors.ts';
import { articleHtml, inventedArticle } from '../reliability/pages.ts';
import { badWarcInputs } from './bad-warcs.ts';
import { nestedDivPage, tablePage } from './large-pages.ts';
import { seededRandom } from './random.ts';
import { concatBytes } from './warc-writer.ts';

export type BadInputExpectation =
  | { status: 'rejected'; reasonCode: RejectCode }
  /**
   * Processed correctly; `title`, when given, proves the text was decoded right; `truncated`: attributes cut to their
   * limit; `group`: inputs that are near-duplicates of each other and must share one cluster (else each is alone).
   */
  | { status: 'recorded'; title?: string; truncated?: string[]; group?: string }
  /** Either outcome is acceptable (e.g. deep nesting: rejected with a reason, or its text recorded). */
  | { status: 'rejected-or-recorded' };

export interface BadInput {
  /** What it is, e.g. `gzip bomb`. */
  name: string;
  key: string;
  /** Built on demand (the 50 MB page; crawl files, written with warcio, asynchronously). */
  bytes(): Uint8Array | Promise<Uint8Array>;
  /** Stored Content-Type; absent: the object is stored with none given. */
  contentType?: string;
  /** For the object's own document (a single page); a WARC or JSONL object has `records` instead. */
  expect: BadInputExpectation;
  /**
   * A container object (WARC, JSONL): what each record (by recordId) must end as; none may be lost. A crawl file
   * written with warcio (bad-warcs.ts) knows its record ids only once `bytes()` was built.
   */
  records?: { recordId: string; expect: BadInputExpectation }[];
  /** A crawl file: how many of its records must be listed as skipped (no page), once `bytes()` was built. */
  skippedRecords?(): number;
}

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array => encoder.encode(text);
const MB = 1024 * 1024;

function randomBytes(seed: number, length: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function withHeader(header: number[] | string, body: Uint8Array): Uint8Array {
  const head = typeof header === 'string' ? utf8(header) : Uint8Array.from(header);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

/** windows-1252 bytes of a Latin-1-only string (what a page saved in a legacy charset holds). */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => {
    const code = char.charCodeAt(0);
    if (code > 0xff) throw new Error(`latin1: ${char} is not a Latin-1 character`);
    return code;
  });
}

/** A long component-safe key of `bytes` UTF-8 bytes: segments under 200 bytes, as file-backed servers need. */
function longKey(prefix: string, bytes: number): string {
  let key = prefix;
  for (let segment = 0; utf8(key).length < bytes; segment++) key += `${segment > 0 ? '/' : ''}${`segment${segment}-`.padEnd(150, 'x')}`;
  return `${key.slice(0, bytes - 5)}.html`;
}

/** A small valid article page of its own (invented, distinct per seed). */
function page(seed: number, title = `Invented report ${seed}`): string {
  return articleHtml(title, inventedArticle(seed, 4));
}

const ACCENTED_TITLE = 'Crème brûlée à la café Zoë';
const KB = 1024;

/** A key of exactly `bytes` UTF-8 bytes of 2-, 3- and 4-byte characters, in segments under 200 bytes (file-backed servers). */
function multibyteKey(prefix: string, bytes: number): string {
  const characters = ['é', '東', '🦆', 'ß', 'ニ'];
  let key = prefix;
  for (let i = 0, segment = 0; ; i++, segment++) {
    const char = characters[i % characters.length] as string;
    const separator = segment > 0 && segment % 40 === 0 ? '/' : '';
    if (utf8(key + separator + char).length > bytes - 5) break;
    key += separator + char;
  }
  return key + '.html'.padStart(bytes - utf8(key).length, 'x');
}

/** One uncompressed WARC/1.1 record (the format's own framing: headers, blank line, block, two CRLF). */
function warcRecord(headers: Record<string, string>, block: Uint8Array): Uint8Array {
  const head = Object.entries({ ...headers, 'Content-Length': String(block.length) }).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return concatBytes([utf8(`WARC/1.1\r\n${head}\r\n`), block, utf8('\r\n\r\n')]);
}

/** A WARC of HTTP responses, and the recordId (`@<offset>`) of each. */
function responseWarc(pages: { url: string; html: string }[]): { bytes: Uint8Array; recordIds: string[] } {
  const records = pages.map((page, index) =>
    warcRecord(
      {
        'WARC-Type': 'response',
        'WARC-Record-ID': `<urn:uuid:00000000-0000-4000-8000-${String(index).padStart(12, '0')}>`,
        'WARC-Date': `2024-03-0${index + 1}T10:00:00Z`,
        'WARC-Target-URI': page.url,
        'Content-Type': 'application/http; msgtype=response',
      },
      utf8(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${page.html}`),
    ),
  );
  const recordIds: string[] = [];
  let offset = 0;
  for (const record of records) {
    recordIds.push(`@${offset}`);
    offset += record.length;
  }
  return { bytes: concatBytes(records), recordIds };
}

/** Pages whose title, canonical URL or record URL is far over DynamoDB's 400 KB item limit: recorded, the value cut. */
function itemLimitInputs(k: (name: string) => string): BadInput[] {
  const hugeUrl = (bytes: number, marker: string) => `https://example.org/${marker}/${'p'.repeat(bytes)}`;
  const warcPages = [
    { url: hugeUrl(300 * KB, 'warc'), html: page(31, 'WARC page with a huge target URI') },
    { url: 'https://example.org/after-the-huge-one', html: page(32, 'The WARC record after it') },
  ];
  const warc = responseWarc(warcPages);
  const jsonlLines = [
    JSON.stringify({ url: hugeUrl(250 * KB, 'jsonl'), html: page(33, 'JSONL line with a huge url'), scrapedAt: '2024-03-01T10:00:00Z' }),
    JSON.stringify({ url: 'https://example.org/line-2', html: page(34, 'The line after it') }),
    JSON.stringify({ url: 'https://example.org/line-3', text: inventedArticle(35, 4) }),
  ];
  const recorded = (truncated?: string[]): BadInputExpectation => ({ status: 'recorded', ...(truncated ? { truncated } : {}) });
  return [
    {
      name: 'page with a 450 KB og:title',
      key: k('limits/huge-og-title.html'),
      bytes: () => utf8(articleHtml('Invented report 36', inventedArticle(36, 4)).replace('<head>', `<head><meta property="og:title" content="${'T'.repeat(450 * KB)}">`)),
      contentType: 'text/html',
      expect: recorded(['title']),
    },
    {
      name: 'page with a 420 KB canonical URL',
      key: k('limits/huge-canonical.html'),
      bytes: () => utf8(articleHtml('Invented report 37', inventedArticle(37, 4)).replace('<head>', `<head><link rel="canonical" href="${hugeUrl(420 * KB, 'canonical')}">`)),
      contentType: 'text/html',
      expect: recorded(['canonicalUrl']),
    },
    {
      name: 'JSONL whose first line has a 250 KB url (the lines after it still ingested)',
      key: k('limits/huge-url.jsonl'),
      bytes: () => utf8(`${jsonlLines.join('\n')}\n`),
      contentType: 'application/x-ndjson',
      expect: { status: 'recorded' },
      records: [
        { recordId: 'L1', expect: recorded(['url']) },
        { recordId: 'L2', expect: recorded() },
        { recordId: 'L3', expect: recorded() },
      ],
    },
    {
      name: 'WARC with a 300 KB WARC-Target-URI (the record after it still ingested)',
      key: k('limits/huge-target-uri.warc'),
      bytes: () => warc.bytes,
      contentType: 'application/warc',
      expect: { status: 'recorded' },
      records: [
        { recordId: warc.recordIds[0]!, expect: recorded(['url']) },
        { recordId: warc.recordIds[1]!, expect: recorded() },
      ],
    },
    { name: 'key of 1,024 bytes of multibyte characters', key: multibyteKey(k('multibyte/'), 1024), bytes: () => utf8(page(38)), contentType: 'text/html', expect: recorded() },
    {
      name: 'JSONL under a key of 1,024 bytes of multibyte characters',
      key: multibyteKey(k('multibyte-jsonl/'), 1024).replace(/\.html$/, '.jsonl'),
      bytes: () => utf8(`${JSON.stringify({ url: 'https://example.org/m1', html: page(39) })}\n${JSON.stringify({ url: 'https://example.org/m2', html: page(40) })}\n`),
      contentType: 'application/x-ndjson',
      expect: { status: 'recorded' },
      records: [
        { recordId: 'L1', expect: recorded() },
        { recordId: 'L2', expect: recorded() },
      ],
    },
  ];
}

export function badInputs(prefix = 'bad/'): BadInput[] {
  const k = (name: string): string => `${prefix}${name}`;
  return [
    { name: 'empty file', key: k('empty.html'), bytes: () => new Uint8Array(0), contentType: 'text/html', expect: { status: 'rejected', reasonCode: REJECT_CODES.empty } },
    { name: 'whitespace only', key: k('blank.txt'), bytes: () => utf8(' \n\t\n   \r\n'), contentType: 'text/plain', expect: { status: 'rejected', reasonCode: REJECT_CODES.empty } },
    {
      name: '50 MB page',
      key: k('huge.html'),
      bytes: () => utf8(`<html><body>${'<p>An invented paragraph that repeats until the page weighs fifty megabytes.</p>\n'.repeat(Math.ceil((50 * MB) / 82))}</body></html>`),
      contentType: 'text/html',
      expect: { status: 'rejected', reasonCode: REJECT_CODES.tooLarge },
    },
    { name: 'PNG image', key: k('image.html'), bytes: () => withHeader([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], randomBytes(1, 64 * 1024)), contentType: 'text/html', expect: { status: 'rejected', reasonCode: REJECT_CODES.binary } },
    { name: 'PDF document', key: k('report.html'), bytes: () => withHeader('%PDF-1.7\n', randomBytes(2, 64 * 1024)), expect: { status: 'rejected', reasonCode: REJECT_CODES.binary } },
    { name: 'ZIP archive', key: k('archive.txt'), bytes: () => withHeader([0x50, 0x4b, 0x03, 0x04], randomBytes(3, 64 * 1024)), contentType: 'text/plain', expect: { status: 'rejected', reasonCode: REJECT_CODES.binary } },
    { name: 'random bytes', key: k('noise'), bytes: () => randomBytes(4, 256 * 1024), contentType: 'application/octet-stream', expect: { status: 'rejected', reasonCode: REJECT_CODES.binary } },
    {
      name: 'gzip bomb',
      key: k('bomb.html.gz'),
      // ~70 KB that inflates to 64 MB, past the 32 MB maxInflatedBytes.
      bytes: () => gzipSync(Buffer.alloc(64 * MB, '<p>a</p>'), { level: 9 }),
      contentType: 'text/html',
      expect: { status: 'rejected', reasonCode: REJECT_CODES.gzipBomb },
    },
    { name: 'truncated gzip', key: k('cut.html.gz'), bytes: () => gzipSync(page(5)).subarray(0, 300), contentType: 'text/html', expect: { status: 'rejected', reasonCode: REJECT_CODES.truncatedGzip } },
    { name: 'gzip of a PNG', key: k('image.gz'), bytes: () => gzipSync(withHeader([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], randomBytes(6, 4096))), expect: { status: 'rejected', reasonCode: REJECT_CODES.binary } },
    { name: 'valid gzip page', key: k('zipped.html.gz'), bytes: () => gzipSync(page(7, 'Zipped invented report')), contentType: 'text/html', expect: { status: 'recorded', title: 'Zipped invented report' } },
    {
      name: 'invalid UTF-8 labelled utf-8 (really windows-1252)',
      key: k('latin-labelled-utf8.html'),
      bytes: () => latin1(articleHtml(ACCENTED_TITLE, inventedArticle(8, 4))),
      contentType: 'text/html; charset=utf-8',
      expect: { status: 'recorded', title: ACCENTED_TITLE },
    },
    {
      name: 'UTF-8 labelled iso-8859-1 in a meta tag',
      key: k('utf8-labelled-latin.html'),
      bytes: () => utf8(articleHtml(ACCENTED_TITLE, inventedArticle(9, 4), { charsetMeta: 'iso-8859-1' })),
      expect: { status: 'recorded', title: ACCENTED_TITLE },
    },
    { name: 'unknown charset label', key: k('made-up-charset.html'), bytes: () => utf8(page(10, ACCENTED_TITLE)), contentType: 'text/html; charset=x-made-up', expect: { status: 'recorded', title: ACCENTED_TITLE } },
    { name: 'undecodable charset label', key: k('iso-2022-kr.html'), bytes: () => utf8(page(11)), contentType: 'text/html; charset=iso-2022-kr', expect: { status: 'rejected', reasonCode: REJECT_CODES.unknownEncoding } },
    {
      name: 'UTF-16LE with BOM',
      key: k('utf16.html'),
      bytes: () => withHeader([0xff, 0xfe], Uint8Array.from(Buffer.from(page(12, ACCENTED_TITLE), 'utf16le'))),
      contentType: 'text/html',
      expect: { status: 'recorded', title: ACCENTED_TITLE },
    },
    { name: 'HTML with no text', key: k('no-text.html'), bytes: () => utf8('<!doctype html><html><head><title></title></head><body><div><img src="a.png"><br><hr><div></div></div></body></html>'), contentType: 'text/html', expect: { status: 'rejected', reasonCode: REJECT_CODES.noText } },
    {
      name: 'script-only page',
      key: k('script-only.html'),
      bytes: () => utf8(`<html><head><script>${'var words = "these are not visible words";\n'.repeat(2000)}</script></head><body><script>document.write("hello")</script><style>p{color:red}</style></body></html>`),
      contentType: 'text/html',
      expect: { status: 'rejected', reasonCode: REJECT_CODES.noText },
    },
    {
      name: 'deeply nested HTML (10,000 levels)',
      key: k('deep.html'),
      bytes: () => utf8(`<html><body>${'<div>'.repeat(10_000)}${inventedArticle(13, 2)}${'</div>'.repeat(10_000)}</body></html>`),
      contentType: 'text/html',
      expect: { status: 'rejected-or-recorded' },
    },
    {
      name: 'page of a single 5 MB line',
      key: k('one-line.html'),
      bytes: () => utf8(`<html><head><title>One line</title></head><body><p>${inventedArticle(14, 3).replace(/\n/g, ' ').repeat(2000).slice(0, 5 * MB)}</p></body></html>`),
      contentType: 'text/html',
      expect: { status: 'recorded' },
    },
    { name: 'plain text named .html', key: k('text-named.html'), bytes: () => utf8(inventedArticle(15, 4)), contentType: 'text/html', expect: { status: 'recorded' } },
    { name: 'object with no content type', key: k('no-type'), bytes: () => utf8(page(16, 'No content type')), expect: { status: 'recorded', title: 'No content type' } },
    { name: 'key with spaces', key: k('a page with spaces.html'), bytes: () => utf8(page(17)), contentType: 'text/html', expect: { status: 'recorded' } },
    { name: 'key with +', key: k('c++ and a+b.html'), bytes: () => utf8(page(18)), contentType: 'text/html', expect: { status: 'recorded' } },
    { name: 'key with %', key: k('100% sure %20 %zz.html'), bytes: () => utf8(page(19)), contentType: 'text/html', expect: { status: 'recorded' } },
    { name: 'key with unicode', key: k('été/東京 ニュース/🦆.html'), bytes: () => utf8(page(20)), contentType: 'text/html', expect: { status: 'recorded' } },
    { name: 'key of 1,000 bytes', key: longKey(k('long/'), 1000), bytes: () => utf8(page(21)), contentType: 'text/html', expect: { status: 'recorded' } },
    { name: 'key of 1,024 bytes (S3 maximum)', key: longKey(k('longest/'), 1024), bytes: () => utf8(page(22)), contentType: 'text/html', expect: { status: 'recorded' } },
    // Under the size limit but past what a DOM can hold in the function (issue 12): streamed, recorded with their title.
    { name: '15 MB page of nested divs', key: k('large-nested-divs.html'), bytes: () => utf8(nestedDivPage(15_000_000)), contentType: 'text/html', expect: { status: 'recorded', title: 'Nested divs' } },
    // The 8.4 MB table's text is the start of the 15 MB one's: contained in it, near-duplicates (SimHashes 1 bit apart).
    { name: '8.4 MB table page', key: k('large-table-8mb.html'), bytes: () => utf8(tablePage(8_400_000)), contentType: 'text/html', expect: { status: 'recorded', title: 'A large table', group: 'large-tables' } },
    { name: '15 MB table page', key: k('large-table-15mb.html'), bytes: () => utf8(tablePage(15_000_000)), contentType: 'text/html', expect: { status: 'recorded', title: 'A large table', group: 'large-tables' } },
    ...itemLimitInputs(k),
    // Damaged and odd crawl files, UTF-16 without a BOM.
    ...badWarcInputs(prefix),
  ];
}
