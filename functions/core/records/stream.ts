/** Small helpers for reading an object as a stream of byte chunks without holding more of it than needed. */

/** The first `size` bytes (or all, if shorter) and a stream that yields the whole input again, head included as one chunk. */
export async function peekHead(
  stream: AsyncIterable<Uint8Array>,
  size: number,
): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(chunks, length);
  async function* replay(): AsyncGenerator<Uint8Array> {
    // The head goes out as one chunk: warcio sniffs gzip on its first chunk and misreads chunks of under 5 bytes.
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, stream: replay() };
}

export type Collected = { bytes: Uint8Array; overLimit: false } | { bytes: null; overLimit: true; seenBytes: number };

/**
 * Bytes of `chunks` while they stay within `limit`. Past it, the rest is read and counted but not kept
 * when `drain` is set (so a stream can move on to what follows), or left unread otherwise.
 */
export async function collectUpTo(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, limit: number, drain: boolean): Promise<Collected> {
  const kept: Uint8Array[] = [];
  let length = 0;
  let overLimit = false;
  for await (const chunk of chunks) {
    length += chunk.length;
    if (overLimit) continue;
    if (length > limit) {
      overLimit = true;
      kept.length = 0;
      if (!drain) break;
      continue;
    }
    kept.push(chunk);
  }
  return overLimit ? { bytes: null, overLimit, seenBytes: length } : { bytes: concatBytes(kept, length), overLimit };
}

export function concatBytes(chunks: Uint8Array[], length = chunks.reduce((sum, chunk) => sum + chunk.length, 0)): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}
