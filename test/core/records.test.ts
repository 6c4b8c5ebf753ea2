import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { resolveCoreConfig, type CoreConfig } from '../../functions/core/config.ts';
import { detectContainer, splitRecords, type PageRecord } from '../../functions/core/records/index.ts';
import type { InputHints } from '../../functions/core/types.ts';
import { corpusPath, corpusForTests, readCorpusBytes, readCorpusJson } from '../support/corpus.ts';
import { chunked, concatBytes, streamLargeResource, writeWarc, type WarcRecordSpec } from '../support/warc-writer.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const config = resolveCoreConfig();

async function split(bytes: Uint8Array, hints: InputHints = {}, chunkSize = 64 * 1024, overrides: Partial<CoreConfig> = {}): Promise<PageRecord[]> {
  const records: PageRecord[] = [];
  for await (const record of splitRecords(chunked(bytes, chunkSize), hints, { ...config, ...overrides })) records.push(record);
  return records;
}

/** A record in a form that is easy to compare: payload as text. */
function view(record: PageRecord): Omit<PageRecord, 'bytes' | 'offset'> & { text: string } {
  // offset (where a range resumes) is checked by test/ingest/ranges.test.ts
  const { bytes, offset: _offset, ...rest } = record;
  return { ...rest, text: decoder.decode(bytes) };
}

const ARTICLE = `<!doctype html><html><head><title>Harbour report</title></head><body><article><p>${'The harbour reopened after the storm. '.repeat(40)}</p></article></body></html>`;
const RESPONSE_ID = '<urn:uuid:11111111-2222-4333-8444-555555555555>';

/** A crawl as wget or Browsertrix writes it: pages among requests, subresources and bookkeeping records. */
function crawlSpecs(): WarcRecordSpec[] {
  const gzippedBody = gzipSync(encoder.encode('<html><body><p>compressed and chunked page</p></body></html>'));
  const chunkedBody = concatBytes([encoder.encode(`${gzippedBody.length.toString(16)}\r\n`), gzippedBody, encoder.encode('\r\n0\r\n\r\n')]);
  return [
    { type: 'warcinfo', payload: 'software: records.test\r\nformat: WARC File Format 1.1\r\n' },
    { type: 'request', url: 'https://news.example/harbour', statusline: 'GET /harbour HTTP/1.1', httpHeaders: { Host: 'news.example' } },
    {
      type: 'response',
      url: 'https://news.example/harbour',
      date: '2024-03-01T10:00:00Z',
      httpHeaders: { 'Content-Type': 'text/html; charset=utf-8' },
      warcHeaders: { 'WARC-Record-ID': RESPONSE_ID },
      payload: ARTICLE,
    },
    { type: 'response', url: 'https://news.example/logo.png', date: '2024-03-01T10:00:01Z', httpHeaders: { 'Content-Type': 'image/png' }, payload: 'not really a png' },
    { type: 'response', url: 'https://news.example/old', date: '2024-03-01T10:00:02Z', statusline: 'HTTP/1.1 301 Moved Permanently', httpHeaders: { Location: '/harbour' } },
    {
      type: 'response',
      url: 'https://news.example/packed',
      date: '2024-03-01T10:00:03Z',
      httpHeaders: { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' },
      payload: chunkedBody,
    },
    { type: 'resource', url: 'file:///notes/readme.txt', date: '2024-03-02T08:00:00Z', warcHeaders: { 'Content-Type': 'text/plain' }, payload: 'Plain notes kept as a resource.' },
    { type: 'metadata', url: 'https://news.example/harbour', payload: 'outlinks: https://news.example/\r\n' },
    {
      type: 'revisit',
      url: 'https://news.example/harbour',
      date: '2024-04-01T10:00:00Z',
      refersToUrl: 'https://news.example/harbour',
      refersToDate: '2024-03-01T10:00:00Z',
      warcHeaders: { 'WARC-Refers-To': RESPONSE_ID, 'WARC-Payload-Digest': 'sha256:abc' },
    },
  ];
}

describe('detectContainer', () => {
  it('tells WARC, JSONL and single pages apart by bytes, name and content type', async () => {
    const { bytes: warc } = await writeWarc(crawlSpecs().slice(0, 2), false);
    const { bytes: warcGz } = await writeWarc(crawlSpecs().slice(0, 2), true);
    const jsonl = encoder.encode('{"url":"https://a.example/","html":"<p>x</p>"}\n');
    const html = encoder.encode('<!doctype html><html><body>page</body></html>');
    expect(detectContainer({}, warc)).toBe('warc');
    expect(detectContainer({}, warcGz)).toBe('warc');
    expect(detectContainer({ fileName: 'crawl.warc.gz' }, new Uint8Array([0x1f, 0x8b]))).toBe('warc');
    expect(detectContainer({ contentType: 'application/warc' }, html)).toBe('warc');
    expect(detectContainer({}, jsonl)).toBe('jsonl');
    expect(detectContainer({}, gzipSync(jsonl))).toBe('jsonl');
    expect(detectContainer({ fileName: 'scrape.ndjson' }, html)).toBe('jsonl');
    expect(detectContainer({ contentType: 'application/x-ndjson' }, html)).toBe('jsonl');
    expect(detectContainer({ fileName: 'page.html' }, html)).toBe('single');
    expect(detectContainer({}, gzipSync(html))).toBe('single');
    expect(detectContainer({}, encoder.encode('{"title": "not a scrape line"}'))).toBe('single');
  });
});

describe('splitRecords: WARC', () => {
  for (const gzip of [false, true]) {
    it(`turns a ${gzip ? 'per-record gzip' : 'plain'} crawl into page and revisit records, skipping the rest`, async () => {
      const specs = crawlSpecs();
      const { bytes, offsets } = await writeWarc(specs, gzip);
      const all = (await split(bytes, { fileName: gzip ? 'crawl.warc.gz' : 'crawl.warc' })).map(view);
      const at = (index: number): string => `@${offsets[index]}`;
      // Every record is accounted for: the ones that are no page are listed as skipped, each with its reason.
      expect(all.map((record) => record.recordId)).toEqual(offsets.map((offset) => `@${offset}`));
      expect(all.filter((record) => record.kind === 'skipped').map((record) => [record.recordId, record.skipReason])).toEqual([
        [at(0), 'warcinfo record'],
        [at(1), 'request record'],
        [at(3), 'response record of type image/png, not a page'],
        [at(4), 'response record with HTTP status 301, not a page'],
        [at(7), 'metadata record'],
      ]);
      const records = all.filter((record) => record.kind !== 'skipped');
      expect(records).toEqual([
        {
          recordId: at(2),
          kind: 'page',
          hints: { url: 'https://news.example/harbour', contentType: 'text/html; charset=utf-8' },
          captureDate: '2024-03-01T10:00:00Z',
          text: ARTICLE,
        },
        {
          recordId: at(5),
          kind: 'page',
          hints: { url: 'https://news.example/packed', contentType: 'text/html' },
          captureDate: '2024-03-01T10:00:03Z',
          text: '<html><body><p>compressed and chunked page</p></body></html>',
        },
        {
          recordId: at(6),
          kind: 'page',
          hints: { url: 'file:///notes/readme.txt', contentType: 'text/plain' },
          captureDate: '2024-03-02T08:00:00Z',
          text: 'Plain notes kept as a resource.',
        },
        {
          recordId: at(8),
          kind: 'revisit',
          hints: { url: 'https://news.example/harbour' },
          captureDate: '2024-04-01T10:00:00Z',
          refersTo: {
            uri: 'https://news.example/harbour',
            date: '2024-03-01T10:00:00Z',
            digest: expect.stringMatching(/^sha256:/),
            recordId: at(2),
            warcRecordId: RESPONSE_ID,
          },
          text: '',
        },
      ]);
    });
  }

  it('gives the same record ids however the stream is chunked', async () => {
    const { bytes } = await writeWarc(crawlSpecs(), true);
    const ids = async (chunkSize: number): Promise<string[]> => (await split(bytes, {}, chunkSize)).map((record) => record.recordId);
    const expected = await ids(bytes.length);
    expect(expected).toHaveLength(9);
    for (const chunkSize of [7, 100, 4096]) expect(await ids(chunkSize)).toEqual(expected);
  });

  it('numbers the records of a WARC gzipped whole (one member) uniquely and stably', async () => {
    const { bytes } = await writeWarc(crawlSpecs(), false);
    const whole = gzipSync(bytes);
    const plain = (await split(bytes)).map(view).filter((record) => record.kind !== 'skipped');
    // n counts every record in the member, skipped ones too: the page records are the 3rd, 6th, 7th and 9th.
    const expected = ['@0+2', '@0+5', '@0+6', '@0+8'];
    for (const chunkSize of [100, 4096, whole.length]) {
      const records = (await split(whole, { fileName: 'crawl.warc.gz' }, chunkSize)).map(view).filter((record) => record.kind !== 'skipped');
      expect(records.map((record) => record.recordId)).toEqual(expected);
      expect(records.map(({ recordId, refersTo, ...rest }) => rest)).toEqual(plain.map(({ recordId, refersTo, ...rest }) => rest));
      expect(records[3]!.refersTo!.recordId).toBe('@0+2');
    }
  });

  it.runIf(corpusForTests())('carries real pages through a gzipped WARC byte for byte', async () => {
    const folder = corpusPath('article-extraction-benchmark', 'html');
    const names = readdirSync(folder).sort().slice(0, 5);
    const truth = readCorpusJson<Record<string, { url: string }>>('article-extraction-benchmark', 'ground-truth.json');
    const pages = names.map((name) => ({ url: truth[name.replace(/\.html\.gz$/, '')]!.url, bytes: readCorpusBytes('article-extraction-benchmark', 'html', name) }));
    const specs: WarcRecordSpec[] = pages.map((page, index) => ({
      type: 'response',
      url: page.url,
      date: `2023-01-0${index + 1}T00:00:00Z`,
      httpHeaders: { 'Content-Type': 'text/html' },
      payload: page.bytes,
    }));
    const { bytes } = await writeWarc(specs, true);
    const records = await split(bytes, { fileName: 'benchmark.warc.gz' }, 16 * 1024);
    expect(records.map((record) => record.hints.url)).toEqual(pages.map((page) => page.url));
    records.forEach((record, index) => expect(Buffer.from(record.bytes).equals(pages[index]!.bytes)).toBe(true));
  });

  it('rejects an oversized record as too-large and goes on with the next one', async () => {
    const specs: WarcRecordSpec[] = [
      { type: 'resource', url: 'https://big.example/', date: '2024-01-01T00:00:00Z', warcHeaders: { 'Content-Type': 'text/html' }, payload: 'x'.repeat(5000) },
      { type: 'resource', url: 'https://small.example/', date: '2024-01-02T00:00:00Z', warcHeaders: { 'Content-Type': 'text/html' }, payload: '<p>small</p>' },
    ];
    const { bytes, offsets } = await writeWarc(specs, false);
    const records = await split(bytes, {}, 512, { maxInputBytes: 1000 });
    expect(records.map((record) => [record.recordId, record.error?.code ?? 'ok', record.hints.url])).toEqual([
      [`@${offsets[0]}`, 'too-large', 'https://big.example/'],
      [`@${offsets[1]}`, 'ok', 'https://small.example/'],
    ]);
    expect(records[0]!.error!.message).toMatch(/5000 bytes, over the limit of 1000/);
  });

  it('throws a failure of the stream itself (for a retry) instead of recording a rejected record', async () => {
    const { bytes } = await writeWarc(crawlSpecs(), true);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield* chunked(bytes.subarray(0, 1200), 400);
      throw new Error('socket hang up');
    }
    const records: PageRecord[] = [];
    await expect(async () => {
      for await (const record of splitRecords(failing(), { fileName: 'crawl.warc.gz' }, config)) records.push(record);
    }).rejects.toThrow('socket hang up');
    expect(records.every((record) => !record.error)).toBe(true);
  });

  for (const gzip of [false, true]) {
    it(`yields the whole records of a ${gzip ? 'gzipped' : 'plain'} WARC cut anywhere, then one error`, async () => {
      const specs = crawlSpecs();
      const { bytes, offsets } = await writeWarc(specs, gzip);
      const hints = { fileName: gzip ? 'cut.warc.gz' : 'cut.warc' };
      const complete = (await split(bytes, hints)).map(view);
      // warcio warns on the console about each cut record it reads past; the records below are what counts.
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      onTestFinished(() => warn.mockRestore());
      const ends = new Set([...offsets, bytes.length]);
      let cuts = 0;
      for (let cut = 1; cut < bytes.length; cut += gzip ? 11 : 29) {
        const records = await split(bytes.subarray(0, cut), hints, 1000);
        const whole = records.filter((record) => !record.error).map(view);
        const errors = records.filter((record) => record.error);
        expect(whole).toEqual(complete.slice(0, whole.length));
        expect(errors.length, `cut at ${cut}: ${JSON.stringify(errors.map((e) => e.error))}`).toBeLessThanOrEqual(1);
        if (errors.length) expect(records.at(-1)).toBe(errors[0]);
        // Strictly inside a record (not at a record boundary or in its trailing CRLFs), the cut must be reported.
        const inside = !ends.has(cut) && !offsets.some((offset) => cut < offset && cut >= offset - 4) && cut < bytes.length - 4;
        if (inside) {
          expect(errors, `cut at ${cut}`).toHaveLength(1);
          expect(errors[0]!.error!.code, `cut at ${cut}: ${errors[0]!.error!.message}`).toBe(gzip ? 'truncated-gzip' : 'truncated');
          expect(offsets.map((offset) => `@${offset}`)).toContain(errors[0]!.recordId);
        }
        cuts++;
      }
      expect(cuts).toBeGreaterThan(100);
    });
  }
});

describe('splitRecords: JSONL', () => {
  const lines = [
    JSON.stringify({ url: 'https://a.example/1', html: '<p>first</p>', scrapedAt: '2024-05-01T12:00:00Z', published: '2021-06-01' }),
    '',
    JSON.stringify({ url: 'https://a.example/3', text: 'plain third, with ünïcödé' }),
    '{"url": "https://a.example/4", "html": "<p>cut',
    '[1, 2, 3]',
    JSON.stringify({ url: 'https://a.example/6', title: 'no body' }),
    JSON.stringify({ url: 'https://a.example/7', html: '<p>seventh</p>' }),
  ];

  it('makes one record per line, and one rejected record per bad line', async () => {
    const bytes = encoder.encode(`\uFEFF${lines.join('\r\n')}\r\n`);
    for (const chunkSize of [3, 4096]) {
      const records = (await split(bytes, { fileName: 'scrape.jsonl', metadata: { published: '1999-01-01' } }, chunkSize)).map(view);
      expect(records).toEqual([
        {
          recordId: 'L1',
          kind: 'page',
          hints: { url: 'https://a.example/1', contentType: 'text/html; charset=utf-8', metadata: { published: '2021-06-01' } },
          captureDate: '2024-05-01T12:00:00Z',
          text: '<p>first</p>',
        },
        { recordId: 'L3', kind: 'page', hints: { url: 'https://a.example/3', contentType: 'text/plain; charset=utf-8' }, text: 'plain third, with ünïcödé' },
        { recordId: 'L4', kind: 'page', hints: {}, error: { code: 'unsupported', message: expect.stringMatching(/^line 4 is not valid JSON/) }, text: '' },
        { recordId: 'L5', kind: 'page', hints: {}, error: { code: 'unsupported', message: 'line 5 is not a JSON object' }, text: '' },
        { recordId: 'L6', kind: 'page', hints: { url: 'https://a.example/6' }, error: { code: 'no-text', message: 'line 6 has neither "html" nor "text"' }, text: '' },
        { recordId: 'L7', kind: 'page', hints: { url: 'https://a.example/7', contentType: 'text/html; charset=utf-8' }, text: '<p>seventh</p>' },
      ]);
    }
  });

  it('rejects a line over the size limit without keeping it, and reads on', async () => {
    const long = JSON.stringify({ url: 'https://a.example/long', html: `<p>${'y'.repeat(4000)}</p>` });
    const bytes = encoder.encode(`${long}\n${lines[0]}`);
    const records = await split(bytes, { fileName: 'scrape.jsonl' }, 100, { maxInputBytes: 1000 });
    expect(records.map((record) => [record.recordId, record.error?.code ?? 'ok'])).toEqual([
      ['L1', 'too-large'],
      ['L2', 'ok'],
    ]);
  });

  it('reads .jsonl.gz, and reports a cut one after its whole lines', async () => {
    const text = `${lines[0]}\n${lines[6]}\n${lines[0]}\n`;
    const gz = gzipSync(encoder.encode(text));
    const whole = await split(gz, { fileName: 'scrape.jsonl.gz' }, 50);
    expect(whole.map((record) => [record.recordId, record.error?.code ?? 'ok'])).toEqual([
      ['L1', 'ok'],
      ['L2', 'ok'],
      ['L3', 'ok'],
    ]);
    const cut = await split(gz.subarray(0, gz.length - 12), { fileName: 'scrape.jsonl.gz' }, 50);
    expect(cut.at(-1)!.error!.code).toBe('truncated-gzip');
    expect(cut.filter((record) => !record.error).map(view)).toEqual(whole.slice(0, cut.filter((record) => !record.error).length).map(view));
  });
});

describe('splitRecords: single page', () => {
  it('passes a page through as one record with the object hints', async () => {
    const hints = { fileName: 'page.html', contentType: 'text/html', metadata: { published: '2021-06-01' } };
    const records = await split(encoder.encode(ARTICLE), hints, 100);
    expect(records.map(view)).toEqual([{ recordId: '', kind: 'page', hints, text: ARTICLE }]);
  });

  it('rejects an object over the limit without reading all of it', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield encoder.encode('<p>'.padEnd(1024, 'z'));
      }
    }
    const records: PageRecord[] = [];
    for await (const record of splitRecords(endless(), { fileName: 'huge.html' }, { ...config, maxInputBytes: 64 * 1024 })) records.push(record);
    expect(records).toHaveLength(1);
    expect(records[0]!.error!.code).toBe('too-large');
    expect(pulled).toBeLessThan(100);
  });
});

describe('splitRecords: memory', () => {
  const totalMb = Number(process.env.RECORDS_STREAM_MB ?? 200);

  it(`streams a ${totalMb} MB WARC with RSS growth under 150 MB`, async () => {
    // A few distinct 256 KB pages cycled, plus one 64 MB record over the limit, all generated on the fly.
    const page = (index: number): string => `<html><body><p>${`page ${index} text `.repeat(32 * 1024).slice(0, 256 * 1024)}</p></body></html>`;
    const templates = (await Promise.all(
      [0, 1, 2, 3].map((index) =>
        writeWarc([{ type: 'response', url: `https://big.example/${index}`, date: '2024-01-01T00:00:00Z', httpHeaders: { 'Content-Type': 'text/html' }, payload: page(index) }], false),
      ),
    )).map((warc) => warc.bytes);
    const oversize = 64 * 1024 * 1024;
    const pageCount = Math.floor(((totalMb - 64) * 1024 * 1024) / templates[0]!.length);
    async function* generate(): AsyncGenerator<Uint8Array> {
      for (let index = 0; index < pageCount; index++) {
        if (index === pageCount >> 1) yield* streamLargeResource('https://big.example/oversize', '2024-01-02T00:00:00Z', oversize, new Uint8Array(1024 * 1024).fill(0x61));
        yield templates[index % templates.length]!;
      }
    }

    const started = Date.now();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let pages = 0;
    let payloadBytes = 0;
    const errors: string[] = [];
    for await (const record of splitRecords(generate(), { fileName: 'big.warc' }, config)) {
      if (record.error) errors.push(record.error.code);
      else pages++;
      payloadBytes += record.bytes.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    const seconds = (Date.now() - started) / 1000;
    console.log(`records memory: ${totalMb} MB WARC, ${pages} pages + ${errors.length} rejected in ${seconds.toFixed(1)} s, RSS growth ${growthMb.toFixed(0)} MB (limit 150)`);
    expect(pages).toBe(pageCount);
    expect(errors).toEqual(['too-large']);
    expect(payloadBytes).toBeGreaterThan(pageCount * 256 * 1024);
    expect(growthMb).toBeLessThan(150);
  });
});
