/**
 * How values are stored compactly and read back (one place for each codec).
 *
 * The sketch: the core hands it over as base64 text (functions/core/sketch.ts encodeSketch). The store keeps its bytes
 * as a DynamoDB Binary attribute instead: 3/4 of the size (the version-3 sketch is 389 bytes instead of 520 characters), in the
 * document, every band item, member log item and cluster root. The store does not look inside: any bytes the core
 * encodes as base64 round-trip, so a new sketch format needs no change here. Items written before (base64 text) are
 * read as they are: every read path of the store goes through `decodeStoredItem`.
 */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

type StoredItem = Record<string, NativeAttributeValue>;

/** Attributes holding a sketch (base64 in memory, Binary in the table). */
const SKETCH_ATTRIBUTE = 'sketch';

/** The sketch as its stored form: its bytes (a Binary attribute). */
export function encodeStoredSketch(sketch: string): Uint8Array {
  return Buffer.from(sketch, 'base64');
}

/** A stored sketch as the core's base64 text: Binary (current) or a string (items written before). */
export function decodeStoredSketch(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return undefined;
}

/** An item as read from the table, with its compact attributes back in their in-memory form. */
export function decodeStoredItem<T extends StoredItem>(item: T): T {
  const stored = item[SKETCH_ATTRIBUTE];
  if (!(stored instanceof Uint8Array)) return item;
  return { ...item, [SKETCH_ATTRIBUTE]: decodeStoredSketch(stored) };
}

/** What every document item names, whatever its form (as read, or as written). Other attributes are `unknown`. */
interface DocumentAttributes {
  docId: string;
  status: 'recorded' | 'rejected' | 'deleted';
  /** The S3 sequencer of the event applied, padded (keys.ts sequencerKey): string order is event order. */
  sequencerKey: string;
  firstSeen?: string;
  versionId?: string;
  eTag?: string;
  sequencer?: string;
  size?: number;
  simhash?: string;
  contentHash?: string;
  fingerprintVersion?: number;
  rank?: string;
  clusterId?: string;
  kind?: string;
  [attribute: string]: unknown;
}

/**
 * A document item as read back (schema.ts: `DOC#<docId>` / `DOC`), typed: what the write path reads to decide (prior
 * versions, redeliveries, overwrites). Attributes it does not name are `unknown`, so a stored value is never taken for
 * another type unchecked; `readDocumentItem` checks the ones it names.
 */
export interface DocumentItem extends DocumentAttributes {
  /** Base64 text, as the core encodes it (decoded from the stored Binary). */
  sketch?: string;
}

/** A recorded page's document item as documents.ts writes it: what its clustering needs is all there, the sketch as bytes. */
export interface WrittenDocumentItem extends DocumentAttributes {
  status: 'recorded';
  simhash: string;
  contentHash: string;
  rank: string;
  firstSeen: string;
  sketch: Uint8Array;
}

const DOCUMENT_STATUSES: readonly string[] = ['recorded', 'rejected', 'deleted'];
const OPTIONAL_STRINGS = ['firstSeen', 'versionId', 'eTag', 'sequencer', 'simhash', 'contentHash', 'sketch', 'rank', 'clusterId', 'kind'] as const;
const OPTIONAL_NUMBERS = ['size', 'fingerprintVersion'] as const;

/** The typed document of a stored item (undefined: none); a named attribute of another type is left out, never cast. */
export function readDocumentItem(stored: StoredItem | undefined): DocumentItem | undefined {
  if (!stored) return undefined;
  const item = decodeStoredItem(stored);
  if (typeof item.docId !== 'string' || !DOCUMENT_STATUSES.includes(item.status) || typeof item.sequencerKey !== 'string') {
    throw new TypeError(`not a document item: ${JSON.stringify({ docId: item.docId, status: item.status, sequencerKey: item.sequencerKey })}`);
  }
  const document: DocumentItem = { ...item, docId: item.docId, status: item.status, sequencerKey: item.sequencerKey };
  for (const name of OPTIONAL_STRINGS) if (typeof item[name] !== 'string') delete document[name];
  for (const name of OPTIONAL_NUMBERS) if (typeof item[name] !== 'number') delete document[name];
  return document;
}
