/**
 * Every key, rank and sortable value the store writes is built here, from the names in schema.ts.
 *
 * Key sizes (DynamoDB, UTF-8 bytes; GSI key attributes follow the same limits): partition keys up to 2,048, sort keys
 * up to 1,024. A docId is `<bucket>/<key>[#<recordId>]`, up to 63 + 1 + 1,024 + 1 + recordId bytes: it fits any
 * partition key here, but not a sort key. So every sort key (and GSI sort-key attribute) is built through `sortKey`,
 * which keeps it verbatim when it fits and otherwise cuts it to a fixed-length form, a prefix + '~' + its SHA-256.
 * Items with such keys carry the docId (and recordId, captureDate) as plain attributes: readers never decode a key.
 */
import { createHash } from 'node:crypto';
import { partialDateEnd, partialDateStart } from '../core/dates/partial-date.ts';
import type { PageAnalysis } from '../core/types.ts';
import { DEFAULT_INDEX_LAYOUT, type IndexLayout } from './index-layout.ts';
import { FORMER_INDEX_KEYS, indexKeyAttributeNames, INDEXES, KEY_PREFIXES, RANK_ATTRIBUTE, TABLE_KEYS, type IndexDefinition } from './schema.ts';
import type { ObjectRef } from './types.ts';

/** The table key of an item: its partition and sort key, under the attribute names of schema.ts TABLE_KEYS. */
export type ItemKey = { [name in (typeof TABLE_KEYS)[keyof typeof TABLE_KEYS]]: string };

export function itemKey(partition: string, sort: string): ItemKey {
  return { [TABLE_KEYS.partitionKey]: partition, [TABLE_KEYS.sortKey]: sort };
}

/** The key of a stored item (or of a key object), for items read back from the table. */
export function keyOf(item: Record<string, unknown>): ItemKey {
  return itemKey(partitionKeyOf(item), sortKeyOf(item));
}

export function partitionKeyOf(item: Record<string, unknown>): string {
  return String(item[TABLE_KEYS.partitionKey]);
}

export function sortKeyOf(item: Record<string, unknown>): string {
  return String(item[TABLE_KEYS.sortKey]);
}

/** One string per item key (partition and sort key joined by NUL): to match items or keys in maps and sets. */
export function itemIdentity(item: Record<string, unknown>): string {
  return `${partitionKeyOf(item)}\u0000${sortKeyOf(item)}`;
}

/**
 * Conditions on whether an item exists, for conditional writes (the key attribute names are no DynamoDB reserved
 * words, so they stand in expressions as they are).
 */
export const ITEM_ABSENT = `attribute_not_exists(${TABLE_KEYS.partitionKey})`;
export const ITEM_EXISTS = `attribute_exists(${TABLE_KEYS.partitionKey})`;

/** A key condition for a Query, with its attribute names and values (names as placeholders: #pk, #sk). */
export interface KeyCondition {
  IndexName?: string;
  KeyConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, string>;
}

/** Every item of one table partition, or (with `sortPrefix`) those whose sort key begins with it. */
export function partitionQuery(partition: string, sortPrefix?: string): KeyCondition {
  if (sortPrefix === undefined) {
    return { KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey }, ExpressionAttributeValues: { ':pk': partition } };
  }
  return {
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sortPrefix)',
    ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
    ExpressionAttributeValues: { ':pk': partition, ':sortPrefix': sortPrefix },
  };
}

/** Every item of one partition of a GSI (schema.ts INDEXES). */
export function indexQuery(index: IndexDefinition, partition: string): KeyCondition {
  return { IndexName: index.indexName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': index.partitionKey }, ExpressionAttributeValues: { ':pk': partition } };
}

/** The attributes that put an item into a GSI, under the index's key names. */
export function indexKeyAttributes<I extends IndexDefinition>(index: I, partition: string, sort: string): { [name in I['partitionKey'] | I['sortKey']]: string } {
  return { [index.partitionKey]: partition, [index.sortKey]: sort } as { [name in I['partitionKey'] | I['sortKey']]: string };
}

/** Every attribute that only keys an index (what takes an item out of every index when removed), the former ones too. */
export const INDEX_KEY_ATTRIBUTES: readonly string[] = [...new Set([...indexKeyAttributeNames(), ...FORMER_INDEX_KEYS])].filter((name) => name !== RANK_ATTRIBUTE); // the document's own rank also sorts byCluster: it stays

/** DynamoDB's key size limits, in UTF-8 bytes (the table's keys and every GSI key attribute alike). */
export const KEY_LIMITS = { partitionKeyBytes: 2048, sortKeyBytes: 1024 } as const;

const SHORTENED_MARK = '~';
const SHA256_HEX_CHARS = 64;

export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** The longest prefix of `value` (whole code points) within `maxBytes` UTF-8 bytes. */
export function utf8Prefix(value: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    const size = utf8Bytes(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return value.slice(0, end);
}

/**
 * A sort key (or GSI sort-key attribute) within DynamoDB's 1,024 bytes: `value` itself when it fits, else its
 * longest prefix that leaves room for '~' + the SHA-256 of the whole value. The prefix keeps the order of the
 * leading fields (a rank's date and first-seen time), the hash keeps distinct values distinct.
 */
export function sortKey(value: string): string {
  if (utf8Bytes(value) <= KEY_LIMITS.sortKeyBytes) return value;
  const digest = createHash('sha256').update(value, 'utf8').digest('hex');
  return `${utf8Prefix(value, KEY_LIMITS.sortKeyBytes - SHORTENED_MARK.length - SHA256_HEX_CHARS)}${SHORTENED_MARK}${digest}`;
}

/** Opaque document id: `<bucket>/<key>` today, `<bucket>/<key>#<offset>` for records inside an archive later. */
export function documentIdFor(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/**
 * A docId without its bucket: the key as uploaded, and for a record of a WARC / JSONL object `<key>#<recordId>` (how
 * the local tools name a document). A docId of another bucket is left whole.
 */
export function keyOfDocId(docId: string, bucket: string): string {
  const bucketPrefix = documentIdFor(bucket, '');
  return docId.startsWith(bucketPrefix) ? docId.slice(bucketPrefix.length) : docId;
}

/** docId of a record inside a container object (WARC, JSONL). */
export function recordDocumentId(bucket: string, key: string, recordId: string): string {
  return `${documentIdFor(bucket, key)}#${recordId}`;
}

export function documentKey(docId: string): ItemKey {
  return itemKey(`${KEY_PREFIXES.document}${docId}`, KEY_PREFIXES.documentSort);
}

/**
 * The index partitions of a fingerprint, `BAND#<partition of the layout>`: near-duplicates within the layout's
 * maxDistance (3) share at least one. The default layout is the four 16-bit bands, `BAND#<i>#<4 hex>`; the store
 * always passes the layout of its context (StoreContext.indexLayout), the defaults here serve tests and tools.
 */
export function bandPartitions(simhash: string, layout: IndexLayout = DEFAULT_INDEX_LAYOUT): string[] {
  return layout.writePartitions(simhash).map((partition) => `${KEY_PREFIXES.band}${partition}`);
}

/** The partitions a lookup queries, `BAND#<partition>`: the written ones, plus the layout's probes of the fingerprint's weak bits. */
export function lookupBandPartitions(simhash: string, weakBits: readonly number[] | undefined, layout: IndexLayout = DEFAULT_INDEX_LAYOUT): string[] {
  return layout.lookupPartitions(simhash, weakBits).map((partition) => `${KEY_PREFIXES.band}${partition}`);
}

export function bandKeys(simhash: string, docId: string, layout: IndexLayout = DEFAULT_INDEX_LAYOUT): ItemKey[] {
  return bandPartitions(simhash, layout).map((partition) => itemKey(partition, sortKey(docId)));
}

export function clusterPartition(clusterId: string): string {
  return `${KEY_PREFIXES.cluster}${clusterId}`;
}

export function clusterKey(clusterId: string): ItemKey {
  return itemKey(clusterPartition(clusterId), KEY_PREFIXES.clusterSort);
}

export function memberKey(clusterId: string, docId: string): ItemKey {
  return itemKey(clusterPartition(clusterId), sortKey(`${KEY_PREFIXES.member}${docId}`));
}

export function objectPartition(bucket: string, key: string): string {
  return `${KEY_PREFIXES.object}${documentIdFor(bucket, key)}`;
}

export function objectKey(bucket: string, key: string): ItemKey {
  return itemKey(objectPartition(bucket, key), KEY_PREFIXES.objectSort);
}

/** One record of a container object (its item also carries recordId and docId). */
export function recordKey(bucket: string, key: string, recordId: string): ItemKey {
  return itemKey(objectPartition(bucket, key), sortKey(`${KEY_PREFIXES.record}${recordId}`));
}

/** A record of a container object that is no page (its item carries recordId and the reason it was skipped). */
export function skippedKey(bucket: string, key: string, recordId: string): ItemKey {
  return itemKey(objectPartition(bucket, key), sortKey(`${KEY_PREFIXES.skipped}${recordId}`));
}

/** URLs can be longer than a DynamoDB key allows: the partition holds their SHA-256 (the item also carries captureDate). */
export function captureKey(url: string, captureDate: string): ItemKey {
  return itemKey(`${KEY_PREFIXES.capture}${createHash('sha256').update(url).digest('hex')}`, sortKey(captureDate));
}

export function mismatchSortKey(firstSeen: string, docId: string): string {
  return sortKey(`${firstSeen}#${docId}`);
}

/** Sorts after every real date, so undated pages rank after dated ones. */
const NO_DATE = '9999-12-31';

/**
 * The day a page stands for when choosing a cluster's original, as YYYY-MM-DD. A believed claimed date (present and
 * not a mismatch) is a publication date: the start of its period. Otherwise the period the content covers: its END,
 * since a page is published after the events it reports (so a copy whose content covers "April 2018" does not
 * outrank the page that claims 2018-04-06). Undated pages come last.
 */
export function rankDate(analysis: Pick<PageAnalysis, 'claimedDate' | 'dateMismatch' | 'contentDates'>): string {
  if (analysis.claimedDate && !analysis.dateMismatch) return isoDay(partialDateStart(analysis.claimedDate));
  const dominant = analysis.contentDates.dominant;
  return dominant ? isoDay(partialDateEnd(dominant)) : NO_DATE;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Hex digits of the docId's SHA-256 that break ties between ranks: 64 bits, no collision in practice. */
const RANK_TIE_BREAK_HEX = 16;

/**
 * Sortable rank: lowest = the cluster's original (earliest date, then first seen, then a hash of the docId as a
 * tie-break). The hash rather than the docId itself: the rank is stored in the document, in every label towards it
 * (clusterRank) and in its root record, and a docId of ~100 bytes made the document a write unit larger. Ranks
 * written before hold the docId; both forms only ever tie-break documents first seen in the same millisecond.
 */
export function rankOf(analysis: Pick<PageAnalysis, 'claimedDate' | 'dateMismatch' | 'contentDates'>, firstSeen: string, docId: string): string {
  const tieBreak = createHash('sha256').update(docId, 'utf8').digest('hex').slice(0, RANK_TIE_BREAK_HEX);
  return sortKey(`${rankDate(analysis)}#${firstSeen}#${tieBreak}`);
}

/** A capture date the store orders by: written as an ISO 8601 date or time, as WARC-Date is (stored converted to UTC). */
const ISO_DATE_START = /^\d{4}-\d{2}-\d{2}/;

/**
 * When the archive first saw a page, the part of its rank after its date: a record's capture date (WARC-Date, JSONL
 * scrapedAt) when it reads as an ISO 8601 time no later than the event, else the S3 event time, else `now`. The
 * records of one WARC share its event time: their capture dates order them, so the earliest capture of a page is its
 * cluster's original rather than the record with the lowest docId. A capture date after the event (a crawler's clock,
 * a typo) is not believed: nothing is seen after it arrives.
 */
export function firstSeenOf(ref: Pick<ObjectRef, 'eventTime' | 'captureDate'>, now: string): string {
  const event = ref.eventTime ?? now;
  if (ref.captureDate === undefined || !ISO_DATE_START.test(ref.captureDate)) return event;
  const captured = Date.parse(ref.captureDate);
  return captured < Date.parse(event) ? new Date(captured).toISOString() : event;
}

/** A WARC revisit ranks right after the document it repeats, in that document's cluster. */
export function revisitRank(referredRank: string, docId: string): string {
  return sortKey(`${referredRank}#${docId}`);
}

/** Width S3 sequencers are left-padded to, so that string order is numeric order. */
const SEQUENCER_WIDTH = 40;

/** S3 sequencers are hex strings of varying length; compared as numbers after left-padding with zeros. */
export function sequencerKey(sequencer: string | undefined): string {
  const hex = (sequencer ?? '').toUpperCase();
  if (!/^[0-9A-F]*$/.test(hex)) throw new RangeError(`S3 sequencer must be hexadecimal, got "${sequencer}"`);
  return hex.padStart(SEQUENCER_WIDTH, '0');
}
