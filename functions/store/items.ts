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
function decodeStoredSketch(value: unknown): string | undefined {
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
  /** A revisit's referred document (revisits.ts). */
  revisitOf?: string;
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
const OPTIONAL_STRINGS = ['firstSeen', 'versionId', 'eTag', 'sequencer', 'simhash', 'contentHash', 'sketch', 'rank', 'clusterId', 'kind', 'revisitOf'] as const;
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

/*
 * The other item kinds (schema.ts), as their readers need them: each reader checks the attributes it names and throws
 * a TypeError on an item that is not of its kind, so no stored value is taken for another type unchecked.
 */

function requireString(item: Record<string, unknown>, name: string, kind: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw new TypeError(`not a ${kind} item: ${name} is ${typeof value}`);
  return value;
}

function optionalString(item: Record<string, unknown>, name: string): string | undefined {
  const value = item[name];
  return typeof value === 'string' ? value : undefined;
}

/** A map attribute as read (not a list, a Binary or a set). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Set);
}

/**
 * A band item (`BAND#...` / `<docId>`): what a lookup filters on before it reads any document (documents.ts bandItem).
 * Items written before also carry sketch and rank.
 */
export interface BandItem {
  docId: string;
  simhash: string;
  /** Base64 text (decoded from the stored Binary); only on items written before. */
  sketch?: string;
  /** Absent: version 1, from before versions. */
  fingerprintVersion?: number;
  /** Only on items written before. */
  rank?: string;
}

export function readBandItem(stored: StoredItem): BandItem {
  const item = decodeStoredItem(stored);
  const band: BandItem = { docId: requireString(item, 'docId', 'band'), simhash: requireString(item, 'simhash', 'band') };
  if (typeof item.sketch === 'string') band.sketch = item.sketch;
  if (typeof item.rank === 'string') band.rank = item.rank;
  if (typeof item.fingerprintVersion === 'number') band.fingerprintVersion = item.fingerprintVersion;
  return band;
}

/** A member log item (`CLUSTER#<clusterId>` / `MEMBER#<docId>`): a document ever labelled with the cluster. */
export interface MemberItem {
  docId: string;
  simhash: string;
  sketch: string;
  /** The dating string (verdicts.ts encodeDating); absent on items written before it. */
  dating?: string;
}

export function readMemberItem(stored: StoredItem): MemberItem {
  const item = decodeStoredItem(stored);
  const member: MemberItem = { docId: requireString(item, 'docId', 'member'), simhash: requireString(item, 'simhash', 'member'), sketch: requireString(item, 'sketch', 'member') };
  const dating = optionalString(item, 'dating');
  if (dating !== undefined) member.dating = dating;
  return member;
}

/** A cluster root's verdict reference as the root record stores it (clusters.ts rejudgeCluster). */
export interface StoredReference {
  docId: string;
  rank: string;
  dating?: string;
}

/**
 * A cluster root (`CLUSTER#<clusterId>` / `CLUSTER`), as written, or as clusters.ts readRoot stands one in from its
 * original's document (`virtual`).
 */
export interface ClusterRootItem {
  clusterId: string;
  docId: string;
  rank: string;
  simhash: string;
  sketch: string;
  dating?: string;
  /** Write-once redirect to the cluster this one was merged into. */
  mergedInto?: string;
  reference?: StoredReference;
  referenceVersion?: number;
  virtual?: boolean;
}

export function readClusterRootItem(stored: StoredItem): ClusterRootItem {
  const item = decodeStoredItem(stored);
  const kind = 'cluster root';
  const root: ClusterRootItem = {
    clusterId: requireString(item, 'clusterId', kind),
    docId: requireString(item, 'docId', kind),
    rank: requireString(item, 'rank', kind),
    simhash: requireString(item, 'simhash', kind),
    sketch: requireString(item, 'sketch', kind),
  };
  const dating = optionalString(item, 'dating');
  if (dating !== undefined) root.dating = dating;
  const mergedInto = optionalString(item, 'mergedInto');
  if (mergedInto !== undefined) root.mergedInto = mergedInto;
  const reference: unknown = item.reference;
  if (reference !== undefined && reference !== null) {
    if (!isMap(reference)) throw new TypeError(`not a ${kind} item: reference is ${typeof reference}`);
    root.reference = { docId: requireString(reference, 'docId', 'verdict reference'), rank: requireString(reference, 'rank', 'verdict reference') };
    const referenceDating = optionalString(reference, 'dating');
    if (referenceDating !== undefined) root.reference.dating = referenceDating;
  }
  if (typeof item.referenceVersion === 'number') root.referenceVersion = item.referenceVersion;
  if (item.virtual === true) root.virtual = true;
  return root;
}

/** A record item (`OBJECT#<bucket>/<key>` / `RECORD#<recordId>`): one record of a container object and its document. */
export interface RecordItem {
  recordId: string;
  docId: string;
  sequencerKey?: string;
}

/** `sortKeyRecordId`: the recordId the item's sort key spells, for items written before recordId was an attribute. */
export function readRecordItem(stored: StoredItem, sortKeyRecordId: string): RecordItem {
  const record: RecordItem = { recordId: optionalString(stored, 'recordId') ?? sortKeyRecordId, docId: requireString(stored, 'docId', 'record') };
  const sequencer = optionalString(stored, 'sequencerKey');
  if (sequencer !== undefined) record.sequencerKey = sequencer;
  return record;
}

/** A skipped item (`OBJECT#<bucket>/<key>` / `SKIPPED#<recordId>`): a record that is no page, and why. */
export interface SkippedItem {
  recordId: string;
  reason: string;
  url?: string;
  sequencerKey?: string;
}

export function readSkippedItem(stored: StoredItem): SkippedItem {
  const skipped: SkippedItem = { recordId: requireString(stored, 'recordId', 'skipped'), reason: requireString(stored, 'reason', 'skipped') };
  const sequencer = optionalString(stored, 'sequencerKey');
  if (sequencer !== undefined) skipped.sequencerKey = sequencer;
  const url = optionalString(stored, 'url');
  if (url) skipped.url = url;
  return skipped;
}

/** Where a range resumes: `skip` records are passed over after reading from byte `offset` (`line`: the JSONL line number there). */
export interface RangeCursor {
  offset: number;
  skip: number;
  line?: number;
}

/** A range's progress as the object item stores it (short names: the item is rewritten at every checkpoint). */
export interface StoredRange {
  /** cursor */
  c?: RangeCursor;
  /** records done */
  r: number;
  /** revisits left unlinked */
  u?: number;
  /** done */
  d: boolean;
}

/** An object item (`OBJECT#<bucket>/<key>` / `OBJECT`): the latest event applied to a container object, and its ranges. */
export interface ObjectItem {
  status: string;
  sequencerKey: string;
  sequencer?: string | null;
  finished?: boolean;
  /** By range index ("0", "1", ...). */
  ranges: Record<string, StoredRange>;
}

function readStoredRange(value: unknown): StoredRange {
  if (!isMap(value) || typeof value.r !== 'number' || typeof value.d !== 'boolean') throw new TypeError('not a stored range');
  const range: StoredRange = { r: value.r, d: value.d };
  if (typeof value.u === 'number') range.u = value.u;
  const cursor = value.c;
  if (isMap(cursor)) {
    if (typeof cursor.offset !== 'number' || typeof cursor.skip !== 'number') throw new TypeError('not a range cursor');
    range.c = { offset: cursor.offset, skip: cursor.skip, ...(typeof cursor.line === 'number' ? { line: cursor.line } : {}) };
  }
  return range;
}

export function readObjectItem(stored: StoredItem): ObjectItem {
  const ranges: unknown = stored.ranges ?? {};
  if (!isMap(ranges)) throw new TypeError(`not an object item: ranges is ${typeof ranges}`);
  const object: ObjectItem = {
    status: requireString(stored, 'status', 'object'),
    sequencerKey: requireString(stored, 'sequencerKey', 'object'),
    ranges: Object.fromEntries(Object.entries(ranges).map(([index, range]) => [index, readStoredRange(range)])),
  };
  if (typeof stored.sequencer === 'string' || stored.sequencer === null) object.sequencer = stored.sequencer;
  if (stored.finished === true) object.finished = true;
  return object;
}

/** A capture item (`CAPTURE#<sha256 of url>` / `<capture date>`): the WARC record that captured a URL then. */
export interface CaptureItem {
  docId: string;
}

export function readCaptureItem(stored: StoredItem): CaptureItem {
  return { docId: requireString(stored, 'docId', 'capture') };
}
