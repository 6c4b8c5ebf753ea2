import pako from 'pako';
import type { ByteSource } from './byte-source.ts';
import { concatBytes } from './stream.ts';

/**
 * Splits a gzip file into its members, streaming, and says where each begins and ends in the stored file.
 *
 * Why not warcio's own gzip reading: on bytes between two members that are not a gzip header, warcio (pako under it)
 * concludes the rest of the file is not compressed and returns its compressed bytes as if they were records, so every
 * later record is lost. Crawlers write one member per record, so the next member header (1f 8b 08) is a safe place to
 * start again: the bytes in between become one damaged span, the members on both sides are read whole.
 */

/** One gzip member: its inflated bytes as a stream; after that stream ends, `problem()` says whether it was whole. */
export interface GzipMember {
  kind: 'member';
  /** Offset of the member in the stored file. */
  start: number;
  chunks: AsyncIterable<Uint8Array>;
  /** After `chunks` ended: null for a whole member, else why it is not (cut short by the end of the file, corrupt). */
  problem(): { cut: boolean; message: string } | null;
}

/** Bytes between members that do not start a gzip member. */
export interface DamagedSpan {
  kind: 'damaged';
  start: number;
  end: number;
  message: string;
}

/** gzip magic and the deflate method byte: what every gzip member starts with. */
const MEMBER_START = /\x1f\x8b\x08/;
/**
 * Compressed bytes of a member kept while it is inflated, to read them again from the member's start when it proves
 * damaged. Members are one record each in a crawler's WARC (a page of 16 MiB compresses to a few MiB); past this, a
 * damaged member (a WARC gzipped whole) is resynchronized from where the damage was found, not from its start.
 */
const REWIND_BYTES = 8 * 1024 * 1024;
const latin1 = new TextDecoder('latin1');
/** Compressed bytes handed to the inflater at once: bounds what one step can inflate to (deflate expands at most ~1032x). */
const INFLATE_STEP = 4096;

export async function* gzipMembers(source: ByteSource): AsyncGenerator<GzipMember | DamagedSpan> {
  for (;;) {
    if (await source.atEnd()) return;
    const start = source.offset;
    const available = await source.fill(3);
    const head = latin1.decode(source.peek(Math.min(3, available)));
    // A file that ends inside the 3 bytes of a member header is a member cut short, not garbage.
    if (!MEMBER_START.test(head) && !(available < 3 && '\x1f\x8b\x08'.startsWith(head))) {
      source.skip(1);
      const next = await source.skipTo(MEMBER_START, 3);
      const end = next ?? source.offset;
      yield { kind: 'damaged', start, end, message: `bytes ${start}-${end - 1} (${end - start} bytes) are not a gzip member: skipped to ${next === null ? 'the end of the file' : `the next member at ${next}`}` };
      continue;
    }
    let problem: { cut: boolean; message: string } | null = null;
    const inflated = inflateMember(source, (found) => (problem = found));
    // An iterator without return(): a reader that stops early does not close it, so the rest can be drained below.
    const chunks: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => inflated.next() }) };
    yield { kind: 'member', start, chunks, problem: () => problem };
    // Whatever the reader left of the member is inflated and dropped, so the next member starts where it should.
    while (!(await inflated.next()).done);
  }
}

async function* inflateMember(source: ByteSource, report: (problem: { cut: boolean; message: string }) => void): AsyncGenerator<Uint8Array> {
  const start = source.offset;
  // pako's typings omit `ended` and `strm`, which tell where a member ends (warcio relies on them the same way).
  const inflator = new pako.Inflate() as pako.Inflate & { ended: boolean; strm: { avail_in: number } };
  const out: Uint8Array[] = [];
  inflator.onData = (chunk: Uint8Array) => out.push(chunk);
  // The member's compressed bytes read so far (up to REWIND_BYTES), to read again from its start when it proves damaged:
  // damage is often found only after the inflater has read past where the next member begins (a damaged trailer is
  // checked against the next bytes; a damaged block header can read as a stored block that swallows the rest).
  let consumed: Uint8Array[] | null = [];
  let consumedBytes = 0;
  const damaged = async (at: number, why: string): Promise<void> => {
    if (consumed) {
      for (const bytes of consumed.reverse()) source.unshift(bytes);
      source.skip(1);
    }
    const next = await source.skipTo(MEMBER_START, 3);
    const end = next ?? source.offset;
    const to = next === null ? 'the end of the file' : `the next member at ${next}`;
    report({ cut: false, message: `the gzip member at ${start} is ${why} at about byte ${at}: bytes ${start}-${end - 1} rejected, skipped to ${to}` });
  };
  while (!inflator.ended) {
    const available = await source.fill(1);
    if (available === 0) {
      // Cut by the end of the file, unless a later member begins inside what was read: then this one is damaged.
      const later = consumed ? nextMemberStart(consumed, start) : null;
      if (later !== null) await damaged(source.offset, 'damaged (it runs on past the next member header)');
      else report({ cut: true, message: `the file ends inside the gzip member at ${start} (after ${source.offset - start} bytes)` });
      break;
    }
    const input = source.peek(Math.min(available, INFLATE_STEP));
    inflator.push(input, false);
    const left = inflator.ended ? inflator.strm.avail_in : 0;
    if (inflator.err) {
      await damaged(source.offset + input.length - left, `corrupt (${inflator.msg || `zlib error ${inflator.err}`})`);
      break;
    }
    if (consumed) {
      consumed.push(input.subarray(0, input.length - left));
      consumedBytes += input.length - left;
      if (consumedBytes > REWIND_BYTES) consumed = null;
    }
    source.skip(input.length - left);
    while (out.length) yield out.shift()!;
  }
  while (out.length) yield out.shift()!;
}

/** Offset of the first gzip member header after `start` in the bytes read from `start` on, or null. */
function nextMemberStart(consumed: Uint8Array[], start: number): number | null {
  const text = latin1.decode(concatBytes(consumed));
  const match = MEMBER_START.exec(text.slice(1));
  return match ? start + 1 + match.index : null;
}
