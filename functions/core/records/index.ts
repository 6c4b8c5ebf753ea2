import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CoreConfig } from '../config.ts';
import { InputRejected, REJECT_CODES } from '../errors.ts';
import type { InputHints } from '../types.ts';
import { HEAD_BYTES, detectContainer } from './detect.ts';
import { splitJsonl } from './jsonl.ts';
import { collectUpTo, isGzip, peekHead } from './stream.ts';
import type { PageRecord, StreamStart } from './types.ts';
import { splitWarc } from './warc.ts';

export { detectContainer, HEAD_BYTES } from './detect.ts';
export type { ContainerKind, PageRecord, RevisitTarget, StreamStart } from './types.ts';
export { findRecordStart } from './resync.ts';

/**
 * Turns one stored object into the page records it holds, streaming: a WARC or JSONL object of any size is
 * read one record at a time; a single page is collected up to config.maxInputBytes.
 * Records that cannot be read come out with `error` (never dropped, never thrown); only failures of the
 * stream itself (network) are thrown, so the caller can retry them.
 */
export async function* splitRecords(stream: AsyncIterable<Uint8Array>, hints: InputHints, config: CoreConfig, start?: StreamStart): AsyncGenerator<PageRecord> {
  if (start) {
    // A range of a big object: the stream starts at a record boundary, with offsets and line numbers counted from there.
    if (start.kind === 'warc') yield* shiftedIds(splitWarc(stream, config, hints.fileName), start.offset);
    else yield* splitJsonl(start.compressed ? gunzipChunks(stream) : stream, config, start);
    return;
  }
  const { head, stream: whole } = await peekHead(stream, HEAD_BYTES);
  switch (detectContainer(hints, head)) {
    case 'warc':
      // WARC and ARC, plain or gzip (told by the bytes); record ids are offsets in the stored file.
      yield* splitWarc(whole, config, hints.fileName);
      return;
    case 'jsonl':
      yield* splitJsonl(isGzip(head) ? gunzipChunks(whole) : whole, config);
      return;
    case 'single':
      yield await singlePage(whole, hints, config);
  }
}

/** Record ids of a WARC read from byte `base` of the stored file (`@<offset>`, `@<offset>+<n>`) as offsets in the whole file. */
async function* shiftedIds(records: AsyncGenerator<PageRecord>, base: number): AsyncGenerator<PageRecord> {
  const shift = (recordId: string): string => (base === 0 ? recordId : recordId.replace(/^@(\d+)/, (_, offset: string) => `@${Number(offset) + base}`));
  for await (const record of records) {
    const refersTo = record.refersTo?.recordId ? { refersTo: { ...record.refersTo, recordId: shift(record.refersTo.recordId) } } : {};
    yield { ...record, recordId: shift(record.recordId), ...refersTo };
  }
}

/** An object that is one page, as its one record (the caller has told it is no container). */
export async function singlePage(stream: AsyncIterable<Uint8Array>, hints: InputHints, config: CoreConfig): Promise<PageRecord> {
  // Past the limit, stop reading: the object is rejected whole, so the rest need not be downloaded.
  const collected = await collectUpTo(stream, config.maxInputBytes, false);
  if (!collected.overLimit) return { recordId: '', kind: 'page', bytes: collected.bytes, hints };
  const error = { code: REJECT_CODES.tooLarge, message: `input is over the limit of ${config.maxInputBytes} bytes` };
  return { recordId: '', kind: 'page', bytes: new Uint8Array(), hints, error };
}

/** Inflates a gzip stream (all members); a corrupt or cut stream is rejected as truncated-gzip, other stream errors pass through. */
async function* gunzipChunks(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const source = Readable.from(stream);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('Z_')) throw error;
    throw new InputRejected(REJECT_CODES.truncatedGzip, `gzip data is cut short or corrupt (${(error as Error).message})`, { cause: error });
  } finally {
    source.destroy();
  }
}
