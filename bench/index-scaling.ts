/**
 * Index scaling: candidates examined and items read per lookup as the archive grows, for today's four 16-bit bands
 * and Manku et al.'s permuted tables (functions/store/index-layout.ts).
 * - Real band items in dynalite (10^4 documents, bands, through the store's own findCandidates; 2,000 documents for
 *   the 16-table layout) checked item for item against the in-memory simulation (support/simulated-index.ts).
 * - The simulation at 10^4, 10^5, 10^6 stored fingerprints: the real corpus fingerprints plus synthetic ones, uniform
 *   or corpus-biased (support/fingerprint-sets.ts); lookups are the real corpus fingerprints.
 * - Per-document cost (items written + read units of the lookup) from 10^4 to 10^9, and where the layouts cross.
 */
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BAND_LAYOUT, DEFAULT_INDEX_LAYOUT, INDEX_LAYOUTS, PERMUTED_16_LAYOUT, type IndexLayout } from '../functions/store/index-layout.ts';
import { createStore, ensureTable } from '../functions/store/index.ts';
import { FINGERPRINT_VERSION } from '../functions/core/fingerprint.ts';
import { bandItem as storeBandItem } from '../functions/store/documents.ts';
import type { StoredItemOf } from '../functions/store/items.ts';
import { bandPartitions, itemKey, lookupBandPartitions } from '../functions/store/keys.ts';
import { itemSizeBytes } from '../functions/store/limits.ts';
import { startLocalServers } from '../local/servers.ts';
import { DynamoMeter } from './support/dynamo-meter.ts';
import { population, realFingerprints, simhashAt, type Distribution, type FingerprintSet, type RealFingerprints } from './support/fingerprint-sets.ts';
import { SimulatedIndex } from './support/simulated-index.ts';
import { mean, printTable, quantile, type Row } from './support/table.ts';

const READ_UNIT_BYTES = 4096;
/** On-demand price ratio of a write unit to a read unit (us-east-1: $0.625 vs $0.125 per million). */
const WRITE_TO_READ_PRICE = 5;


const docIdOf = (index: number) => `raw-pages/bench/doc-${String(index).padStart(7, '0')}.html`;

/** A band item as the store writes it (documents.ts bandItem: no sketch, no rank; its write time). */
function bandItem(pk: string, index: number, simhash: string): StoredItemOf<'band'> {
  return storeBandItem(itemKey(pk, docIdOf(index)), { docId: docIdOf(index), simhash, fingerprintVersion: FINGERPRINT_VERSION }, new Date(0).toISOString());
}

/** A band item as the store wrote it before issue 15's band change: with the sketch (base64 text) and the rank. */
function formerBandItem(pk: string, index: number, simhash: string, sketch: string): Record<string, string> {
  return { pk, sk: docIdOf(index), docId: docIdOf(index), simhash, sketch, rank: `2024-01-01#2024-01-01T00:00:00.000Z#${docIdOf(index)}` };
}

/** Read units of one strongly consistent Query returning `items` items of `itemBytes`: per started 4 KB, at least 1. */
const queryReadUnits = (items: number, itemBytes: number): number => Math.max(1, Math.ceil((items * itemBytes) / READ_UNIT_BYTES));

/**
 * Read units of one lookup as the store sends it (clusters.ts bandMatches): the partitions a page writes strongly
 * consistent, its probes eventually consistent (half). `perPartition`: items per queried partition, the written ones
 * first (`tables` of them), then the probes.
 */
const lookupReadUnits = (perPartition: readonly number[], tables: number, itemBytes: number): number =>
  perPartition.reduce((total, items, index) => total + queryReadUnits(items, itemBytes) / (index < tables ? 1 : 2), 0);

interface DynaliteCheck {
  layout: string;
  documents: number;
  lookups: number;
  itemsPerLookup: number;
  readUnitsPerLookup: number;
  requestsPerLookup: number;
  matchesSimulation: boolean;
}

async function dynaliteCheck(real: RealFingerprints, layout: IndexLayout, documents: number, lookups: number): Promise<DynaliteCheck> {
  const servers = await startLocalServers({ s3Port: 0, dynamoPort: 0, buckets: [] });
  try {
    const table = `bench-index-${layout.name}`;
    await ensureTable(servers.dynamo, table);
    const db = DynamoDBDocumentClient.from(servers.dynamo);
    const set = population(real, documents, 'corpus-biased');
    const items = Array.from({ length: documents }, (_, index) => {
      const simhash = simhashAt(set, index);
      return bandPartitions(simhash, layout).map((pk) => bandItem(pk, index, simhash));
    }).flat();
    const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, batch) => items.slice(batch * 25, batch * 25 + 25));
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) } }));
        if (Object.keys(result.UnprocessedItems ?? {}).length > 0) throw new Error('dynalite left band items unprocessed');
      }
    }));

    const meter = new DynamoMeter(servers.dynamo);
    const simulation = new SimulatedIndex(layout, set);
    const store = createStore({ client: servers.dynamo, tableName: table });
    let matches = true;
    const mark = meter.mark();
    for (let index = 0; index < lookups; index++) {
      const simhash = simhashAt(set, index);
      const before = meter.mark();
      const weakBits = real.weakBits[index]!;
      if (layout === DEFAULT_INDEX_LAYOUT) {
        // The store's own lookup (default layout): the same Queries a new document makes, probes included.
        await store.findCandidates({ docId: docIdOf(index), simhash, sketch: real.sketches[index % real.count]!, weakBits });
      } else {
        for (const pk of lookupBandPartitions(simhash, weakBits, layout)) {
          await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
        }
      }
      // The band Queries only (the store's lookup then reads the matches' documents, which this table does not hold).
      const returned = meter.since(before).filter((record) => record.command === 'QueryCommand').reduce((total, record) => total + record.itemsReturned, 0);
      if (returned !== simulation.lookup(set.high[index]!, set.low[index]!, index, weakBits).itemsRead) matches = false;
    }
    const records = meter.since(mark).filter((record) => record.command === 'QueryCommand');
    return {
      layout: layout.name,
      documents,
      lookups,
      itemsPerLookup: records.reduce((total, record) => total + record.itemsReturned, 0) / lookups,
      readUnitsPerLookup: records.reduce((total, record) => total + record.readUnits, 0) / lookups,
      requestsPerLookup: records.length / lookups,
      matchesSimulation: matches,
    };
  } finally {
    await servers.stop();
  }
}

function simulationRows(real: RealFingerprints, sizes: number[], bandItemBytes: number, formerBandItemBytes: number): Row[] {
  const rows: Row[] = [];
  const lookups = real.count;
  const uniformItems = new Map<string, number>();
  for (const documents of sizes) {
    for (const distribution of ['uniform', 'corpus-biased'] as Distribution[]) {
      const set: FingerprintSet = population(real, documents, distribution, documents);
      for (const layout of Object.values(INDEX_LAYOUTS)) {
        const index = new SimulatedIndex(layout, set);
        const results = Array.from({ length: lookups }, (_, doc) => index.lookup(set.high[doc]!, set.low[doc]!, doc, real.weakBits[doc]));
        const items = results.map((result) => result.itemsRead);
        if (distribution === 'uniform') uniformItems.set(`${documents} ${layout.name}`, mean(items));
        const readUnits = results.map((result) => lookupReadUnits(result.perPartition, layout.tableCount, bandItemBytes));
        const formerReadUnits = results.map((result) => lookupReadUnits(result.perPartition, layout.tableCount, formerBandItemBytes));
        rows.push({
          documents,
          fingerprints: distribution,
          layout: layout.name,
          'items written/doc': layout.tableCount,
          'Queries/lookup': mean(results.map((result) => result.perPartition.length)),
          'items read/lookup': mean(items),
          'vs uniform': distribution === 'uniform' ? 1 : mean(items) / uniformItems.get(`${documents} ${layout.name}`)!,
          'p99 items read': quantile(items, 0.99),
          'candidates/lookup': mean(results.map((result) => result.candidates.length)),
          'RRU/lookup': mean(readUnits),
          'RRU/lookup, former band items': mean(formerReadUnits),
          'WRU + RRU per new doc': layout.tableCount + mean(readUnits),
        });
      }
    }
  }
  return rows;
}

/**
 * Expected per-document units for uniform fingerprints: each table's partition holds N / 2^prefix items; a probing
 * layout queries up to probesPerTable more partitions per table (counted: an upper bound).
 */
function projectedUnits(layout: IndexLayout, documents: number, bandItemBytes: number): { written: number; read: number } {
  // The written partition strongly consistent, each probe eventually (half), as lookupReadUnits.
  const read = layout.prefixBits.reduce((total, bits) => total + (1 + layout.probesPerTable / 2) * queryReadUnits(documents / 2 ** bits, bandItemBytes), 0);
  return { written: layout.tableCount, read };
}

function projectionRows(bandItemBytes: number): Row[] {
  const rows: Row[] = [];
  for (const exponent of [4, 5, 6, 7, 8, 9]) {
    const documents = 10 ** exponent;
    const row: Row = { documents: `10^${exponent}`, 'band items/partition': documents / 2 ** 16 };
    for (const layout of Object.values(INDEX_LAYOUTS)) {
      const { written, read } = projectedUnits(layout, documents, bandItemBytes);
      row[`${layout.name} WRU+RRU`] = written + read;
      row[`${layout.name} cost (5*WRU+RRU)`] = WRITE_TO_READ_PRICE * written + read;
    }
    rows.push(row);
  }
  return rows;
}

/** Smallest N (by bisection on a log scale) at which `challenger` costs less than `incumbent` per new document. */
function crossover(incumbent: IndexLayout, challenger: IndexLayout, bandItemBytes: number, weightOfWrite: number): number {
  const cost = (layout: IndexLayout, documents: number) => {
    const { written, read } = projectedUnits(layout, documents, bandItemBytes);
    return weightOfWrite * written + read;
  };
  for (let documents = 1e3; documents <= 1e12; documents = Math.ceil(documents * 1.05)) {
    if (cost(challenger, documents) < cost(incumbent, documents)) return documents;
  }
  return Number.POSITIVE_INFINITY;
}

export async function benchIndexScaling(options: { quick?: boolean } = {}): Promise<void> {
  const real = realFingerprints();
  const distances: number[] = [];
  for (let a = 0; a < real.count; a += 3) for (let b = a + 1; b < real.count; b += 7) distances.push(popcount(real.high[a]! ^ real.high[b]!) + popcount(real.low[a]! ^ real.low[b]!));
  const bandItemBytes = itemSizeBytes(bandItem(`BAND#0#abcd`, 0, real.simhashes[0]!));
  const formerBandItemBytes = itemSizeBytes(formerBandItem(`BAND#0#abcd`, 0, real.simhashes[0]!, real.sketches[0]!));
  console.log(
    `\nreal fingerprints: ${real.count} corpus texts (extraction-benchmark bodies + Webis pair texts); ` +
      `mean distance between unrelated ones ${mean(distances).toFixed(1)} bits (uniform: 32; corpus-biased model: ${modelDistance(real).toFixed(1)}), bit frequencies ${Math.min(...real.bitFrequency).toFixed(2)}..${Math.max(...real.bitFrequency).toFixed(2)}, ` +
      `entropy per 16-bit band ${bandEntropies(real).map((bits) => bits.toFixed(1)).join(' / ')} bits (uniform: 16); band item ${bandItemBytes} bytes (before issue 15's band change, with sketch and rank: ${formerBandItemBytes})`,
  );

  const checks = [await dynaliteCheck(real, DEFAULT_INDEX_LAYOUT, options.quick ? 2000 : 10_000, 200), await dynaliteCheck(real, PERMUTED_16_LAYOUT, 2000, 100)];
  printTable('Index lookups on dynalite (real band items, corpus-biased fingerprints) vs the simulation', checks.map((check) => ({
    layout: check.layout,
    documents: check.documents,
    lookups: check.lookups,
    'Queries/lookup': check.requestsPerLookup,
    'items read/lookup': check.itemsPerLookup,
    'RRU/lookup (dynalite)': check.readUnitsPerLookup,
    'simulation returns the same items': check.matchesSimulation ? 'yes' : 'NO',
  })));
  if (checks.some((check) => !check.matchesSimulation)) throw new Error('the in-memory simulation disagrees with dynalite: its figures below are not faithful');

  const sizes = options.quick ? [1e4, 1e5] : [1e4, 1e5, 1e6];
  printTable(`Index scaling, simulated (lookups: the ${real.count} real fingerprints; RRU = Query units of ${bandItemBytes}-byte band items, written partitions strongly consistent, probes eventually; baseline: ${BAND_LAYOUT.name})`, simulationRows(real, sizes, bandItemBytes, formerBandItemBytes));
  printTable('Projection per new document, uniform fingerprints (expected partition sizes; on paper in the README, Index scaling)', projectionRows(bandItemBytes));
  const lines = [DEFAULT_INDEX_LAYOUT, BAND_LAYOUT].flatMap((incumbent) => [INDEX_LAYOUTS.permuted10, INDEX_LAYOUTS.permuted16].map((layout) => ({
    challenger: layout.name,
    incumbent: incumbent.name,
    'cheaper from N (WRU+RRU)': crossover(incumbent, layout, bandItemBytes, 1),
    'cheaper from N (price: 5*WRU+RRU)': crossover(incumbent, layout, bandItemBytes, WRITE_TO_READ_PRICE),
  })));
  lines.push({ challenger: INDEX_LAYOUTS.permuted16.name, incumbent: INDEX_LAYOUTS.permuted10.name, 'cheaper from N (WRU+RRU)': crossover(INDEX_LAYOUTS.permuted10, INDEX_LAYOUTS.permuted16, bandItemBytes, 1), 'cheaper from N (price: 5*WRU+RRU)': crossover(INDEX_LAYOUTS.permuted10, INDEX_LAYOUTS.permuted16, bandItemBytes, WRITE_TO_READ_PRICE) });
  printTable('Crossover, uniform fingerprints: stored documents from which the challenger costs less per new document', lines);
}

/** Entropy (bits) of each 16-bit band under the corpus-biased model: the sum of the bits' binary entropies. */
function bandEntropies(real: RealFingerprints): number[] {
  const entropy = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));
  return [0, 1, 2, 3].map((band) => Array.from(real.bitFrequency.subarray(16 * band, 16 * band + 16)).reduce((total, p) => total + entropy(p), 0));
}

/** Expected distance between two independent corpus-biased fingerprints: sum over bits of 2 p (1 - p). */
function modelDistance(real: RealFingerprints): number {
  return real.bitFrequency.reduce((total, p) => total + 2 * p * (1 - p), 0);
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
