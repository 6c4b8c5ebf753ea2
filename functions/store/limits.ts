/**
 * DynamoDB's item size limit, and the one place that bounds every stored value that comes from the input.
 *
 * DynamoDB refuses an item over 400 KB (attribute names + values, UTF-8) with a ValidationException on every try, so
 * a page whose `og:title`, canonical URL, WARC-Target-URI or JSONL `url` is hundreds of KB would be retried and
 * dead-lettered, and in a WARC or JSONL object would fail every record after it. Instead:
 *
 * 1. Each input-derived attribute has a stated limit in UTF-8 bytes (VALUE_LIMITS). A longer value is cut to its
 *    longest prefix of whole code points within the limit, and the item's `truncated` map says so:
 *    `truncated.<attribute> = { bytes: <full size>, sha256: <SHA-256 of the full value> }` (nested values are named
 *    by their path, e.g. `claimedDate.evidence`). Two values that differ only after the cut keep distinct hashes.
 * 2. The whole item is then measured (itemSizeBytes, DynamoDB's rules). If it is still over the budget (the store's
 *    `maxItemBytes`, 400 KB less room for the attributes a later cluster relabel adds), the droppable attributes are
 *    left out, largest first, each noted as `{ bytes, sha256, dropped: true }`, until it fits. Keys, status, the
 *    fingerprint and the cluster label are never dropped: the page is recorded with less, never lost.
 *
 * Not bounded here, because their sources bound them: S3 keys (1,024 bytes) and bucket names (63), hence docIds and
 * partition keys (keys.ts puts every sort key within 1,024 bytes); eTag and versionId (S3); recordIds, which the
 * splitter generates (`@<offset>`, `L<line>`); fingerprints and dates the core computes.
 */
import { createHash } from 'node:crypto';
import type { Item } from './dynamo.ts';
import { partitionKeyOf, sortKeyOf, utf8Bytes, utf8Prefix } from './keys.ts';

/** DynamoDB's maximum item size: 400 KB, attribute names and values in UTF-8. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/** Room left under the limit for the attributes later updates add to a document (cluster label, duplicateOf, ...). */
const UPDATE_HEADROOM_BYTES = 16 * 1024;

/** What the store allows a written item to weigh (StoreLimits.maxItemBytes). */
export const DEFAULT_MAX_ITEM_BYTES = DYNAMODB_MAX_ITEM_BYTES - UPDATE_HEADROOM_BYTES;

/**
 * Limits, in UTF-8 bytes, of the stored values that come from the input (by attribute, or by path inside one).
 * Generous for real pages (titles are rarely over 300 bytes, URLs rarely over 2 KB) and small enough that all of
 * them together stay far under 400 KB.
 */
export const VALUE_LIMITS: Readonly<Record<string, number>> = {
  title: 2048,
  canonicalUrl: 8192,
  url: 8192,
  captureDate: 256,
  contentType: 1024,
  charset: 256,
  reason: 4096,
  dateEvidence: 4096,
  'claimedDate.evidence': 2048,
  'claimedDate.value': 256,
  'refersTo.uri': 8192,
  'refersTo.date': 256,
  'refersTo.digest': 512,
  'refersTo.warcRecordId': 1024,
};

/** Left out, largest first, when an item with every value bounded is still over the budget. */
const DROPPABLE = ['title', 'canonicalUrl', 'url', 'dateEvidence', 'claimedDate', 'contentDates', 'refersTo', 'reason', 'contentType', 'charset', 'captureDate'];

export interface TruncatedValue {
  /** Size of the full value in UTF-8 bytes (for an object, of its JSON). */
  bytes: number;
  /** SHA-256 (hex) of the full value (for an object, of its JSON). */
  sha256: string;
  /** True when the attribute was left out altogether (the item was still too big). */
  dropped?: boolean;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Size of a number as DynamoDB counts it: about one byte per two significant digits, plus one. */
function numberBytes(value: number | bigint): number {
  const digits = String(value).replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Size of one attribute value as DynamoDB counts it (native JavaScript values, as the DocumentClient marshals them). */
function valueBytes(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueBytes(element), 0);
  // Lists and maps: 3 bytes, plus one per element, plus the elements (and, for a map, their names).
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 3);
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).reduce((sum, [name, element]) => (element === undefined ? sum : sum + 1 + utf8Bytes(name) + valueBytes(element)), 3);
  }
  throw new TypeError(`no DynamoDB size for a ${typeof value}`);
}

/** An item's size as DynamoDB counts it against its 400 KB limit: every attribute's UTF-8 name and value. */
export function itemSizeBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => (value === undefined ? sum : sum + utf8Bytes(name) + valueBytes(value)), 0);
}

/** `value` cut to `maxBytes`, with what the cut lost, or `value` itself with no note when it fits. */
function boundText(value: string, maxBytes: number): { value: string; truncated?: TruncatedValue } {
  const bytes = utf8Bytes(value);
  if (bytes <= maxBytes) return { value };
  return { value: utf8Prefix(value, maxBytes), truncated: { bytes, sha256: sha256(value) } };
}

function fullForm(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The item as it may be written: every input-derived value within VALUE_LIMITS and the whole item within
 * `maxItemBytes`, with a `truncated` map naming whatever was cut or left out (absent when nothing was).
 * Throws only if the item is too big with every droppable attribute gone (keys and fingerprint alone: cannot happen).
 */
export function fitItem(item: Item, maxItemBytes: number = DEFAULT_MAX_ITEM_BYTES): Item {
  const fitted: Item = { ...item };
  const truncated: Record<string, TruncatedValue> = { ...(item.truncated as Record<string, TruncatedValue> | undefined) };
  for (const [path, limit] of Object.entries(VALUE_LIMITS)) {
    const [name, inner] = path.split('.') as [string, string | undefined];
    const holder = inner === undefined ? fitted : fitted[name];
    const field = inner ?? name;
    if (!holder || typeof holder !== 'object') continue;
    const value = (holder as Item)[field];
    if (typeof value !== 'string') continue;
    const bounded = boundText(value, limit);
    if (!bounded.truncated) continue;
    // Copy a nested holder before changing it: the caller's objects (an analysis) stay as they were.
    if (inner !== undefined) fitted[name] = { ...(holder as Item), [field]: bounded.value };
    else fitted[name] = bounded.value;
    truncated[path] = bounded.truncated;
  }
  const withNote = (): Item => (Object.keys(truncated).length > 0 ? { ...fitted, truncated } : fitted);
  let size = itemSizeBytes(withNote());
  if (size <= maxItemBytes) return withNote();

  const droppable = DROPPABLE.filter((name) => fitted[name] !== undefined && fitted[name] !== null).sort((a, b) => valueBytes(fitted[b]) - valueBytes(fitted[a]));
  for (const name of droppable) {
    const full = item[name];
    truncated[name] = { bytes: utf8Bytes(fullForm(full)), sha256: sha256(fullForm(full)), dropped: true };
    delete fitted[name];
    size = itemSizeBytes(withNote());
    if (size <= maxItemBytes) return withNote();
  }
  throw new RangeError(`item ${partitionKeyOf(item)} / ${sortKeyOf(item)} is ${size} bytes with every droppable attribute left out, over the ${maxItemBytes}-byte budget`);
}
