/**
 * The crawl files of ../shared/corpus/pywb-warcs (written by wget, wpull, pywb's recorder; WARC and ARC, plain and
 * gzip, damaged), one by one: every record accounted for (page, revisit, skipped with its reason, or rejected with its
 * code), and the count of records checked against the file itself (its `WARC/1.x` lines, its ARC header lines).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveCoreConfig } from '../../functions/core/config.ts';
import { splitRecords, type PageRecord } from '../../functions/core/records/index.ts';
import { corpusForTests, corpusPath, hasCorpus } from '../support/corpus.ts';
import { chunked } from '../support/warc-writer.ts';

const config = resolveCoreConfig();
const FOLDER = ['pywb-warcs'] as const;
const EXAMPLE = 'http://example.com/';
const EXAMPLE_1 = 'http://example.com?example=1';
const EXAMPLE_2 = 'http://example.com?example=2';

/** One line per record: `<recordId> page <url>`, `<recordId> revisit <url>`, `<recordId> skipped: <reason>`, `<recordId> rejected <code>`. */
function describeRecord(record: PageRecord): string {
  if (record.error) return `${record.recordId} rejected ${record.error.code}`;
  if (record.kind === 'skipped') return `${record.recordId} skipped: ${record.skipReason}`;
  return `${record.recordId} ${record.kind} ${record.hints.url}`;
}

const WARCINFO = 'skipped: warcinfo record';
const REQUEST = 'skipped: request record';
const REDIRECT = 'skipped: response record with HTTP status 302, not a page';
const JSON_RESPONSE = 'skipped: response record of type application/json, not a page';

/** What each file holds, record by record (offsets in the stored file; `+n`: the n-th further record of one gzip member). */
const EXPECTED: Record<string, string[]> = {
  'example.warc': [
    `@0 ${WARCINFO}`,
    `@460 page ${EXAMPLE_1}`,
    `@2451 ${REQUEST}`,
    `@3161 revisit ${EXAMPLE_1}`,
    // Its Content-Length is 3 bytes short (pywb warns "Content-Length Too Small" and reads on): a request, so it is
    // skipped, the damage said in its reason; the next record is read.
    `@4061 ${REQUEST}; the WARC record at 4061 is damaged: bytes 4764-4770 (7 bytes) follow the declared end of the WARC record at 4061 without a record separator (its Content-Length 320 is too small, so its payload would be cut): skipped to the next WARC record at 4771`,
    `@4771 ${REDIRECT}`,
  ],
  // The request record at @1376 ends without the HTTP blank line: reading went on into the next record before.
  'example.warc.gz': [`@0 ${WARCINFO}`, `@333 page ${EXAMPLE_1}`, `@1376 ${REQUEST}`, `@1864 revisit ${EXAMPLE_1}`, `@2417 ${REQUEST}`, `@2907 ${REDIRECT}`],
  // The same records gzipped as one member (not one per record, hence "bad" for pywb's index): numbered within the member.
  'example-bad.warc.gz.bad': [`@0 ${WARCINFO}`, `@0+1 page ${EXAMPLE_1}`, `@0+2 ${REQUEST}`, `@0+3 revisit ${EXAMPLE_1}`, `@0+4 ${REQUEST}`, `@0+5 ${REDIRECT}`],
  // The second response's status line is `HTTPX/1.1 200 OK`: pywb reads it as a 200, so do we.
  'example-extra.warc': [`@0 page ${EXAMPLE_2}`, `@1991 ${REQUEST}`, `@2701 revisit ${EXAMPLE_2}`, `@3207 page ${EXAMPLE_2}`, `@5199 ${REQUEST}`, `@5910 revisit ${EXAMPLE_2}`],
  'example2.warc.gz': [`@0 ${WARCINFO}`, `@363 page ${EXAMPLE}`, `@1649 ${REQUEST}`],
  'example-url-agnostic-orig.warc.gz': [`@0 ${WARCINFO}`, '@353 page http://example.iana.org/'],
  'example-url-agnostic-revisit.warc.gz': [`@0 ${WARCINFO}`, '@355 revisit http://test@example.com/'],
  'example-wget-1-14.warc.gz': [
    `@0 ${WARCINFO}`,
    `@398 ${REQUEST}`,
    `@792 page ${EXAMPLE}`,
    '@1943 page metadata://gnu.org/software/wget/warc/MANIFEST.txt',
    '@2258 page metadata://gnu.org/software/wget/warc/wget_arguments.txt',
    '@2598 page metadata://gnu.org/software/wget/warc/wget.log',
  ],
  'example-wpull.warc.gz': [`@0 ${WARCINFO}`, `@1619 ${REQUEST}`, `@2031 page ${EXAMPLE}`, '@3181 page urn:X-wpull:log'],
  // No page at all: every record listed with its reason.
  'post-test.warc.gz': [
    `@0 ${JSON_RESPONSE}`,
    `@720 ${REQUEST}`,
    `@1196 ${JSON_RESPONSE}`,
    `@1919 ${REQUEST}`,
    `@2395 ${JSON_RESPONSE}`,
    `@3118 ${REQUEST}`,
  ],
  'httpbin-resource.warc.gz': ['@0 skipped: resource record of type application/json, not a page'],
  // Header lines end in CR CR LF; pywb reads the record as a 302 redirect to http://www.iana.org/badst.
  'missing-status-text.warc': [`@0 ${REDIRECT}`],
  // ARC: the filedesc header record, then one HTTP response.
  'example.arc': ['@0 skipped: warcinfo record', `@151 page ${EXAMPLE}`],
  'example.arc.gz': ['@0 skipped: warcinfo record', `@171 page ${EXAMPLE}`],
  // Lengths `-1` and `abc` are not numbers: read as empty (pywb does the same), and said; `1` is one newline.
  'bad.arc': ['@0 skipped: warcinfo record', '@134 rejected damaged', `@202 page ${EXAMPLE}`, '@262 rejected damaged'],
};

function fileNames(): string[] {
  return hasCorpus() ? readdirSync(corpusPath(...FOLDER)).filter((name) => name !== 'LICENSE').sort() : [];
}

async function split(bytes: Uint8Array, fileName: string, chunkSize: number): Promise<PageRecord[]> {
  const records: PageRecord[] = [];
  for await (const record of splitRecords(chunked(bytes, chunkSize), { fileName }, config)) records.push(record);
  return records;
}

/** Records the file holds, counted from its own bytes: `WARC/1.x` lines, or ARC header lines (URL, IP, 14-digit date...). */
function recordsInFile(bytes: Buffer): number {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('latin1');
  if (text.startsWith('filedesc://')) return text.match(/^\S+:\S* \S+ \d{14}\d* \S+ \S+$/gm)?.length ?? 0;
  return text.match(/^WARC\/1\.\d\r*$/gm)?.length ?? 0;
}

describe.runIf(corpusForTests())('pywb-warcs: every crawl file read, every record accounted for', () => {
  it('has an expectation for every file of the folder', () => {
    expect(fileNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of Object.keys(EXPECTED)) {
    it(`${name}: ${EXPECTED[name]!.length} records, whatever the chunking`, async () => {
      const bytes = readFileSync(corpusPath(...FOLDER, name));
      const records = await split(bytes, name, 64 * 1024);
      expect(records.map(describeRecord)).toEqual(EXPECTED[name]);
      expect(records).toHaveLength(recordsInFile(bytes));
      // Unique record ids: each becomes its own document or listing.
      expect(new Set(records.map((record) => record.recordId)).size).toBe(records.length);
      for (const record of records.filter((each) => each.error)) expect(record.error!.message.length).toBeGreaterThan(20);
      for (const chunkSize of [1, 7, 512]) expect((await split(bytes, name, chunkSize)).map(describeRecord)).toEqual(EXPECTED[name]);
    });
  }

  it('reads the example.com capture byte for byte from WARC, gzip WARC and ARC alike', async () => {
    const payloads = await Promise.all(
      ['example.warc', 'example.warc.gz', 'example.arc', 'example.arc.gz', 'example-wpull.warc.gz'].map(async (name) => {
        const records = await split(readFileSync(corpusPath(...FOLDER, name)), name, 4096);
        return new TextDecoder().decode(records.find((record) => record.kind === 'page')!.bytes);
      }),
    );
    expect(payloads[0]).toContain('<title>Example Domain</title>');
    expect(payloads[0]).toHaveLength(1270);
    for (const payload of payloads) expect(payload).toBe(payloads[0]);
  });
});
