/**
 * Fast non-cryptographic hashes for features, in plain 32-bit integer arithmetic (Math.imul): BigInt is far too
 * slow for the per-word hot loop. A 64-bit value is carried as two unsigned 32-bit halves.
 */

/** MurmurHash3's 32-bit finalizer: full avalanche, so every output bit depends on every input bit. */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 64-bit hash of `text[start, end)` written into `out` as [high, low] (unsigned 32-bit halves).
 * Two independent lanes over the UTF-16 code units (FNV-1a, and a multiply-rotate lane), each finalized by fmix32.
 * Writes into `out` instead of returning a pair so the hot loop allocates nothing.
 */
export function hash64Range(text: string, start: number, end: number, out: Uint32Array): void {
  let fnv = 0x811c9dc5;
  let rot = 0x9e3779b9;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    fnv = Math.imul(fnv ^ code, 0x01000193);
    rot = Math.imul(((rot ^ code) << 13) | ((rot ^ code) >>> 19), 0x27d4eb2f);
  }
  const length = end - start;
  out[0] = fmix32(fnv ^ Math.imul(length, 0x9e3779b1));
  out[1] = fmix32(rot + Math.imul(fnv, 0x85ebca77));
}

/** 16 lowercase hex digits for a 64-bit value given as halves. */
export function toHex64(high: number, low: number): string {
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** The 64-bit hash of a whole string as 16 hex digits (for tests and diagnostics; the hot loop uses hash64Range). */
export function hash64Hex(text: string): string {
  const out = new Uint32Array(2);
  hash64Range(text, 0, text.length, out);
  return toHex64(out[0] ?? 0, out[1] ?? 0);
}
