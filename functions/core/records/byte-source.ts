import { concatBytes } from './stream.ts';

const latin1 = new TextDecoder('latin1');

/**
 * A pull reader over a stream of byte chunks that knows the absolute offset of every byte, can look ahead without
 * consuming, and can skip forward to a byte pattern while holding only one chunk (plus the pattern's length).
 * The record splitters use it to find where records really begin and end, whatever the headers declare.
 */
export class ByteSource {
  /** Absolute offset of the first byte not consumed yet. */
  offset = 0;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** Buffers at least `size` bytes ahead (fewer when the stream ends first); returns how many are buffered. */
  async fill(size: number): Promise<number> {
    while (this.buffered < size && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      if (next.value.length === 0) continue;
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
    return this.buffered;
  }

  /** True when every byte was consumed and the stream has no more. */
  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** The first `size` buffered bytes as one array, not consumed (size <= what fill returned). */
  peek(size: number): Uint8Array {
    if (size === 0) return new Uint8Array();
    if (this.chunks[0]!.length < size) {
      const joined = concatBytes(this.chunks, this.buffered);
      this.chunks = [joined];
    }
    return this.chunks[0]!.subarray(0, size);
  }

  /** Drops `size` buffered bytes. */
  skip(size: number): void {
    let left = Math.min(size, this.buffered);
    this.offset += left;
    this.buffered -= left;
    while (left > 0) {
      const first = this.chunks[0]!;
      if (first.length <= left) {
        this.chunks.shift();
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
  }

  /** Puts back bytes just consumed (the caller's own copy of them), so they are read again. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.unshift(bytes);
    this.buffered += bytes.length;
    this.offset -= bytes.length;
  }

  /** Consumes and yields the next `size` bytes (fewer when the stream ends first), never holding more than a chunk. */
  async *take(size: number): AsyncGenerator<Uint8Array> {
    let left = size;
    while (left > 0) {
      if ((await this.fill(1)) === 0) return;
      const first = this.chunks[0]!;
      const part = first.length <= left ? first : first.subarray(0, left);
      this.skip(part.length);
      left -= part.length;
      yield part;
    }
  }

  /**
   * Consumes bytes up to the first match of `pattern` (matched on the latin1 text of the bytes; it must not span more
   * than `maxMatchLength` bytes) and returns the match's absolute offset, unconsumed; or consumes everything and
   * returns null. Only a chunk and the last `maxMatchLength` bytes are held at a time.
   */
  async skipTo(pattern: RegExp, maxMatchLength: number): Promise<number | null> {
    for (;;) {
      await this.fill(Math.max(this.buffered + 1, maxMatchLength));
      const bytes = this.peek(this.buffered);
      const match = pattern.exec(latin1.decode(bytes));
      if (match) {
        this.skip(match.index);
        return this.offset;
      }
      if (this.ended) {
        this.skip(this.buffered);
        return null;
      }
      this.skip(Math.max(0, this.buffered - maxMatchLength));
    }
  }
}
