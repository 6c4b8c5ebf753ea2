/**
 * An in-memory model of the band-item index: for each table of a layout, the documents sorted by that table's
 * prefix, so a partition (one Query in DynamoDB) is a contiguous range. Same partitions as the store writes
 * (layout.prefixOf is what layout.writePartitions names), and a lookup returns exactly the items a Query of each
 * partition would: the bench checks this against dynalite.
 */
import { flipBit, type IndexLayout } from '../../functions/store/index-layout.ts';
import type { FingerprintSet } from './fingerprint-sets.ts';

/** Document index bits packed under the prefix in one float64 sort key (prefix <= 32 bits + 20 index bits < 2^53). */
const INDEX_BITS = 20;
const INDEX_SPAN = 2 ** INDEX_BITS;

export interface LookupResult {
  /** Items returned by all partition queries (a document in several shared partitions counts in each). */
  itemsRead: number;
  /** Distinct other documents among them: the candidates the store compares. */
  candidates: number[];
  /** Items per queried partition: one per table in table order, then the probes (layout.lookupPartitions' order). */
  perPartition: number[];
}

export class SimulatedIndex {
  private readonly sorted: Float64Array[];

  constructor(
    readonly layout: IndexLayout,
    private readonly set: FingerprintSet,
  ) {
    if (set.count > INDEX_SPAN) throw new RangeError(`the simulation holds at most ${INDEX_SPAN} documents, got ${set.count}`);
    if (Math.max(...layout.prefixBits) > 32) throw new RangeError(`the simulation supports prefixes up to 32 bits, layout ${layout.name} has ${Math.max(...layout.prefixBits)}`);
    this.sorted = layout.prefixBits.map((_, table) => {
      const keys = new Float64Array(set.count);
      for (let doc = 0; doc < set.count; doc++) keys[doc] = layout.prefixOf(table, set.high[doc]!, set.low[doc]!) * INDEX_SPAN + doc;
      return keys.sort();
    });
  }

  /** The items of every partition the document `doc` of the set queries (with `weakBits`, its probes too). */
  lookup(high: number, low: number, self = -1, weakBits: readonly number[] = []): LookupResult {
    const perPartition: number[] = [];
    const candidates = new Set<number>();
    const query = (table: number, prefix: number) => {
      const keys = this.sorted[table]!;
      const from = lowerBound(keys, prefix * INDEX_SPAN);
      const to = lowerBound(keys, (prefix + 1) * INDEX_SPAN);
      perPartition.push(to - from);
      for (let at = from; at < to; at++) {
        const doc = keys[at]! % INDEX_SPAN;
        if (doc !== self) candidates.add(doc);
      }
    };
    this.sorted.forEach((_, table) => query(table, this.layout.prefixOf(table, high, low)));
    this.sorted.forEach((_, table) => {
      for (const bit of this.layout.probeBitsOf(table, weakBits)) {
        const flipped = flipBit(high, low, bit);
        query(table, this.layout.prefixOf(table, flipped.high, flipped.low));
      }
    });
    return { itemsRead: perPartition.reduce((a, b) => a + b, 0), candidates: [...candidates], perPartition };
  }

  get documents(): number {
    return this.set.count;
  }
}

function lowerBound(keys: Float64Array, value: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
