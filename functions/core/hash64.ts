/**
 * Fast non-cryptographic hashing for features, in plain 32-bit integer arithmetic (Math.imul): BigInt is far too
 * slow for the per-word hot loop. A 64-bit value is carried as two unsigned 32-bit halves.
 */

/** MurmurHash3's 32-bit finalizer: full avalanche, so every output bit depends on every input bit. A bijection. */
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
 * Low half of a feature's 64-bit hash, derived from its (already avalanched) 32-bit hash, which is the high half.
 * A second avalanche after an odd offset makes its bits look independent of the high half's.
 */
export function lowHalfOf(featureHash: number): number {
  return fmix32((featureHash + 0x9e3779b9) | 0);
}

/** 16 lowercase hex digits for a 64-bit value given as halves. */
export function toHex64(high: number, low: number): string {
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}
