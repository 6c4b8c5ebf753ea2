/**
 * WARC splitting throughput: the core's splitRecords (records framed by Content-Length and checked against where the
 * next record begins, each then parsed by warcio alone, page payloads de-chunked and decoded) against warcio's
 * WARCParser reading the same file on its own (baseline, same run, paired rounds). A crawl of many small records, as
 * wget or Browsertrix write it: a page and two subresources (image/png) in three, plain and one gzip member per record.
 */
import { WARCParser } from 'warcio';
import { resolveCoreConfig } from '../functions/core/config.ts';
import { splitRecords } from '../functions/core/records/index.ts';
import { chunked, writeWarc, type WarcRecordSpec } from '../test/support/warc-writer.ts';
import { fmt, median, printTable } from './support/table.ts';

const config = resolveCoreConfig();
const CHUNK = 64 * 1024;

function crawl(records: number): WarcRecordSpec[] {
  return Array.from({ length: records }, (_, index) => ({
    type: 'response',
    url: `https://crawl.example/${index}`,
    date: '2024-01-01T00:00:00Z',
    httpHeaders: { 'Content-Type': index % 3 === 0 ? 'text/html' : 'image/png' },
    payload: `<html><body><p>${`word${index % 97} `.repeat(400)}</p></body></html>`,
  }));
}

async function timeSplit(bytes: Uint8Array, fileName: string): Promise<{ ms: number; records: number }> {
  const start = performance.now();
  let records = 0;
  for await (const record of splitRecords(chunked(bytes, CHUNK), { fileName }, config)) records += record ? 1 : 0;
  return { ms: performance.now() - start, records };
}

async function timeWarcio(bytes: Uint8Array): Promise<{ ms: number; records: number }> {
  const start = performance.now();
  let records = 0;
  for await (const record of new WARCParser(chunked(bytes, CHUNK))) {
    await record.readFully();
    records++;
  }
  return { ms: performance.now() - start, records };
}

export async function benchRecords(options: { quick: boolean }): Promise<void> {
  const count = options.quick ? 600 : 3000;
  const rounds = options.quick ? 3 : 5;
  const rows = [];
  for (const gzip of [false, true]) {
    const { bytes } = await writeWarc(crawl(count), gzip);
    const ours: number[] = [];
    const baseline: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const split = await timeSplit(bytes, gzip ? 'crawl.warc.gz' : 'crawl.warc');
      const warcio = await timeWarcio(bytes);
      if (split.records !== count || warcio.records !== count) throw new Error(`records: split ${split.records}, warcio ${warcio.records}, expected ${count}`);
      ours.push(split.ms);
      baseline.push(warcio.ms);
      ratios.push(split.ms / warcio.ms);
    }
    rows.push({
      file: `${count} records, ${gzip ? 'gzip per record' : 'plain'} (${fmt(bytes.length / 1e6, 1)} MB)`,
      'splitRecords ms': fmt(median(ours), 0),
      'warcio alone ms': fmt(median(baseline), 0),
      'x warcio': `${median(ratios).toFixed(2)}x`,
      'splitRecords MB/s': fmt(bytes.length / 1e6 / (median(ours) / 1000), 1),
    });
  }
  printTable('WARC splitting (baseline: warcio WARCParser reading every record, same file, same run)', rows, `median of ${rounds} paired rounds; x warcio = median of the per-round ratios`);
}
