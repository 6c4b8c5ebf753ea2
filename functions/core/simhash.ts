/**
 * Charikar's SimHash over 64 bits, as pure arithmetic over weighted feature hashes (tokenizing and hashing live
 * elsewhere): each feature adds its weight to the counters of its 1 bits and subtracts it from those of its 0 bits;
 * the fingerprint's bit is 1 where the counter ends positive.
 */
import { toHex64 } from './hash64.ts';

export class SimHashAccumulator {
  /** counters[0..31]: bits of the high half (bit 31 first is not needed: index = bit position); [32..63]: low half. */
  private readonly counters = new Float64Array(64);

  /** Adds one feature, its 64-bit hash given as unsigned 32-bit halves. */
  add(high: number, low: number, weight: number): void {
    const counters = this.counters;
    for (let bit = 0; bit < 32; bit++) {
      counters[bit]! += (high >>> bit) & 1 ? weight : -weight;
      counters[bit + 32]! += (low >>> bit) & 1 ? weight : -weight;
    }
  }

  /** The fingerprint as 16 lowercase hex digits. No features (or perfectly balanced ones) give all zero bits. */
  digest(): string {
    let high = 0;
    let low = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (this.counters[bit]! > 0) high |= 1 << bit;
      if (this.counters[bit + 32]! > 0) low |= 1 << bit;
    }
    return toHex64(high, low);
  }
}

/** Bits set in a 32-bit integer. */
export function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

const HEX64 = /^[0-9a-f]{16}$/;

/** Number of differing bits between two 16-hex-digit fingerprints (0..64). */
export function hammingDistanceHex(a: string, b: string): number {
  if (!HEX64.test(a) || !HEX64.test(b)) throw new TypeError(`SimHash fingerprints must be 16 lowercase hex digits, got "${a}" and "${b}"`);
  const highDiff = parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16);
  const lowDiff = parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16);
  return popcount32(highDiff) + popcount32(lowDiff);
}
