/**
 * The table's items: each kind typed, read (checked) and written from its one declaration in schema.ts ITEM_KINDS
 * (below), and how values are stored compactly and read back (one place for each codec).
 *
 * The sketch: the core hands it over as base64 text (functions/core/sketch.ts encodeSketch). The store keeps its bytes
 * as a DynamoDB Binary attribute instead: 3/4 of the size (the version-3 sketch is 389 bytes instead of 520 characters), in the
 * document, every band item, member log item and cluster root. The store does not look inside: any bytes the core
 * encodes as base64 round-trip, so a new sketch format needs no change here. Items written before (base64 text) are
 * read as they are: every read path of the store goes through `decodeStoredItem`.
 */
import type { IndexLayout } from './index-layout.ts';
import { bandKeys, captureKey, clusterKey, clusterPartition, documentKey, indexKeyAttributes, keyOf, memberKey, objectKey, recordKey, skippedKey, type ItemKey } from './keys.ts';
import { INDEXES, ITEM_KINDS, projectedAttributes, type AttributeSpecs, type AttributeTag, type IndexDefinition, type ItemKindName, type ItemKindSpec } from './schema.ts';
import type { StoredDocument } from './types.ts';

type StoredItem = Record<string, unknown>;

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

/*
 * Typed items, derived from schema.ts ITEM_KINDS: each kind's TypeScript types (mapped from its attribute tags), its
 * checking reader and its writer come from that one declaration, so adding an attribute is one edit there.
 *
 * Three forms of an item: `read` (what a reader returns: the sketch as base64 text, maps and lists still to be
 * checked by whoever reads inside them), `input` (what a writer takes) and `stored` (what a writer returns to put:
 * the keys included, the sketch as bytes).
 */

interface FormValues {
  read: { sketch: string; map: Readonly<Record<string, unknown>>; list: readonly unknown[] };
  input: { sketch: string; map: object; list: readonly unknown[] };
  stored: { sketch: Uint8Array; map: object; list: readonly unknown[] };
}
type Form = keyof FormValues;

type ScalarValue<T, F extends Form> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'true'
        ? true
        : T extends keyof FormValues[F]
          ? FormValues[F][T]
          : never;

type TagValue<T, F extends Form> = T extends `${infer Base}|null?`
  ? ScalarValue<Base, F> | null
  : T extends `${infer Base}?`
    ? ScalarValue<Base, F>
    : T extends `${infer Base}|null`
      ? ScalarValue<Base, F> | null
      : T extends string
        ? ScalarValue<T, F>
        : T extends { readonly oneOf: readonly (infer Value)[] }
          ? Value
          : T extends { readonly map: infer Specs }
            ? AttributesOf<Specs, F>
            : T extends { readonly mapOf: infer Specs }
              ? Record<string, AttributesOf<Specs, F>>
              : never;

type IsOptional<T> = T extends `${string}?` ? true : T extends { readonly optional: true } ? true : false;
type RequiredNames<Specs> = { [N in keyof Specs]: IsOptional<Specs[N]> extends true ? never : N }[keyof Specs];
type Flat<T> = { [N in keyof T]: T[N] };

/** The attributes `Specs` declares, as TypeScript: required ones required, `?` ones optional. */
export type AttributesOf<Specs, F extends Form> = Flat<
  { -readonly [N in RequiredNames<Specs>]: TagValue<Specs[N], F> } & { -readonly [N in Exclude<keyof Specs, RequiredNames<Specs>>]?: TagValue<Specs[N], F> }
>;

type KindSpec<K extends ItemKindName> = (typeof ITEM_KINDS)[K];
type KindAttributes<K extends ItemKindName, F extends Form> = AttributesOf<KindSpec<K>['attributes'], F>;
type KindIndexes<K extends ItemKindName> = KindSpec<K>['indexes'][number];

/** The key attributes of the indexes the kind may enter (absent: not in that index), except those it declares itself (rank). */
export type IndexKeysOf<K extends ItemKindName> = {
  [N in Exclude<(typeof INDEXES)[KindIndexes<K>]['partitionKey' | 'sortKey'], keyof KindSpec<K>['attributes']>]?: string;
};

/** Attributes optional on read but always written (schema.ts `alwaysWritten`). */
type AlwaysWritten<K extends ItemKindName, F extends Form> = KindSpec<K> extends { readonly alwaysWritten: readonly (infer N extends string)[] }
  ? { [Name in Extract<N, keyof KindAttributes<K, F>>]-?: Exclude<KindAttributes<K, F>[Name], undefined> }
  : unknown;

/** Attributes the kind does not declare, kept by its reader as `unknown` (schema.ts `open`). */
type Undeclared<K extends ItemKindName> = KindSpec<K> extends { readonly open: true } ? { [attribute: string]: unknown } : unknown;

/** An item of kind K as its reader returns it. */
export type ItemOf<K extends ItemKindName> = KindAttributes<K, 'read'> & IndexKeysOf<K> & Undeclared<K>;
/** What the writer of kind K takes. */
export type ItemInput<K extends ItemKindName> = Flat<KindAttributes<K, 'input'> & IndexKeysOf<K> & AlwaysWritten<K, 'input'>>;
/** The item the writer of kind K returns, to put as it is: keys included, compact attributes in their stored form. */
export type StoredItemOf<K extends ItemKindName> = Flat<ItemKey & KindAttributes<K, 'stored'> & IndexKeysOf<K> & AlwaysWritten<K, 'stored'>>;

/** A map attribute as read (not a list, a Binary or a set). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Set);
}

/** What a value of another type than its tag reads as. */
const MISMATCH = Symbol('mismatch');

/** The in-memory value of a stored value, or MISMATCH. */
type ValueReader = (value: unknown) => unknown;

/** One attribute's check, compiled once from its tag (a read checks every attribute a kind declares). */
interface AttributeReader {
  name: string;
  optional: boolean;
  read: ValueReader;
}

const SCALAR_READERS: Readonly<Record<string, ValueReader>> = {
  string: (value) => (typeof value === 'string' ? value : MISMATCH),
  number: (value) => (typeof value === 'number' ? value : MISMATCH),
  boolean: (value) => (typeof value === 'boolean' ? value : MISMATCH),
  true: (value) => (value === true ? true : MISMATCH),
  sketch: (value) => decodeStoredSketch(value) ?? MISMATCH,
  map: (value) => (isMap(value) ? value : MISMATCH),
  list: (value) => (Array.isArray(value) ? value : MISMATCH),
};

function isOptional(tag: AttributeTag): boolean {
  return typeof tag === 'string' ? tag.endsWith('?') : tag.optional === true;
}

function scalarOf(tag: AttributeTag & string): string {
  return tag.replace(/\?$/, '').replace(/\|null$/, '');
}

/** The reader of an attribute of type `tag`. A nested map (`{ map }`, `{ mapOf }`) there but not of its shape throws: it is not an item of the kind. */
function valueReader(tag: AttributeTag, what: string): ValueReader {
  if (typeof tag === 'string') {
    const scalar = SCALAR_READERS[scalarOf(tag)];
    if (!scalar) throw new TypeError(`unknown attribute tag ${tag}`);
    return tag.includes('|null') ? (value) => (value === null ? null : scalar(value)) : scalar;
  }
  if ('oneOf' in tag) {
    const values = new Set<unknown>(tag.oneOf);
    return (value) => (values.has(value) ? value : MISMATCH);
  }
  const nested = attributeReaders('map' in tag ? tag.map : tag.mapOf, what);
  const readMap = (value: unknown, name: string): Record<string, unknown> => {
    if (!isMap(value)) throw new TypeError(`not a ${what}: ${name} is ${typeof value}`);
    return readAttributes(nested, value, what);
  };
  return (value) => {
    if (value === undefined || value === null) return MISMATCH;
    if ('map' in tag) return readMap(value, what);
    if (!isMap(value)) throw new TypeError(`not a ${what}: ${typeof value}`);
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, readMap(inner, name)]));
  };
}

function attributeReaders(specs: AttributeSpecs, what: string): AttributeReader[] {
  return Object.entries(specs).map(([name, tag]) => ({ name, optional: isOptional(tag), read: valueReader(tag, `${what} ${name}`) }));
}

/** The attributes the readers declare, checked: a required one of another type throws, an optional one is left out, never cast. */
function readAttributes(readers: readonly AttributeReader[], stored: Readonly<Record<string, unknown>>, what: string, read: Record<string, unknown> = {}): Record<string, unknown> {
  for (const attribute of readers) {
    const raw = stored[attribute.name];
    const value = attribute.read(raw);
    if (value !== MISMATCH) read[attribute.name] = value;
    else if (!attribute.optional) throw new TypeError(`not a ${what} item: ${attribute.name} is ${raw === null ? 'null' : typeof raw}`);
  }
  return read;
}

const KIND_LABELS: Partial<Record<ItemKindName, string>> = { clusterRoot: 'cluster root' };

/** How each kind is read: its attributes with the key attributes of its indexes (strings), compiled once. */
interface KindReader {
  label: string;
  specs: AttributeSpecs;
  declared: ReadonlySet<string>;
  readers: AttributeReader[];
  /** Keeps what it does not declare (schema.ts `open`). */
  open: boolean;
}

const KIND_READERS = new Map<ItemKindName, KindReader>(
  (Object.keys(ITEM_KINDS) as ItemKindName[]).map((kind) => {
    const spec: ItemKindSpec = ITEM_KINDS[kind];
    const indexKeys = spec.indexes.flatMap((index) => [INDEXES[index].partitionKey, INDEXES[index].sortKey]);
    const specs: AttributeSpecs = { ...Object.fromEntries(indexKeys.map((name): [string, AttributeTag] => [name, 'string?'])), ...spec.attributes };
    const label = KIND_LABELS[kind] ?? kind;
    return [kind, { label, specs, declared: new Set(Object.keys(specs)), readers: attributeReaders(specs, label), open: spec.open === true }];
  }),
);

/**
 * The typed item of kind K in a stored item: every attribute the kind declares is checked (a required one missing or
 * of another type throws a TypeError: not an item of the kind; an optional one of another type is left out), so no
 * stored value is taken for another type unchecked. Items of older shapes read the same: a sketch stored as base64
 * text, attributes that did not exist yet. The one place where a checked item becomes its type.
 */
export function readItem<K extends ItemKindName>(kind: K, stored: Readonly<Record<string, unknown>>): ItemOf<K> {
  const reader = KIND_READERS.get(kind)!;
  const item: Record<string, unknown> = {};
  if (reader.open) for (const name of Object.keys(stored)) if (!reader.declared.has(name)) item[name] = stored[name];
  return readAttributes(reader.readers, stored, reader.label, item) as ItemOf<K>;
}

/** Each kind's sketch attributes (stored as bytes). */
const SKETCH_ATTRIBUTES = new Map<ItemKindName, string[]>(
  (Object.keys(ITEM_KINDS) as ItemKindName[]).map((kind) => {
    const spec: ItemKindSpec = ITEM_KINDS[kind];
    return [kind, Object.entries(spec.attributes).flatMap(([name, tag]) => (typeof tag === 'string' && scalarOf(tag) === 'sketch' ? [name] : []))];
  }),
);

/** The item to put for `attributes` of kind K under `key`: compact attributes turned into their stored form. */
function storedItem<K extends ItemKindName>(kind: K, key: ItemKey, attributes: ItemInput<K>): StoredItemOf<K> {
  const stored: Record<string, unknown> = { ...attributes, ...key };
  for (const name of SKETCH_ATTRIBUTES.get(kind)!) {
    const value = stored[name];
    if (typeof value === 'string') stored[name] = encodeStoredSketch(value);
  }
  return stored as StoredItemOf<K>;
}

/** `tag`, optional. */
function optionalTag(tag: AttributeTag): AttributeTag {
  if (typeof tag !== 'string') return { ...tag, optional: true };
  return tag.endsWith('?') ? tag : (`${tag}?` as AttributeTag);
}

/**
 * An index entry as a Query or Scan of the index returns it: its keys and what the index projects (schema.ts INDEXES),
 * typed as the document's attributes of the same names (in byCluster, a cluster root stands for its original: it
 * projects its docId, clusterId and contentHash). The docId is always there.
 */
export type IndexEntry<I extends IndexDefinition> = ItemKey &
  Pick<ItemOf<'document'>, 'docId'> &
  Partial<Pick<ItemOf<'document'>, Exclude<I['projection']['attributes'][number] | I['partitionKey'] | I['sortKey'], 'docId'>>>;

/** Each index's entry readers: the document's attributes it projects, all optional but the docId. */
const ENTRY_READERS = new Map<string, AttributeReader[]>(
  Object.values(INDEXES).map((index) => {
    const documentSpecs = KIND_READERS.get('document')!.specs;
    const specs = Object.fromEntries(
      projectedAttributes(index)
        .filter((name) => Object.prototype.hasOwnProperty.call(documentSpecs, name))
        .map((name): [string, AttributeTag] => [name, name === 'docId' ? 'string' : optionalTag(documentSpecs[name]!)]),
    );
    return [index.indexName, attributeReaders(specs, `${index.indexName} entry`)];
  }),
);

export function readIndexEntry<I extends IndexDefinition>(index: I, stored: Readonly<Record<string, unknown>>): IndexEntry<I> {
  return { ...keyOf(stored), ...readAttributes(ENTRY_READERS.get(index.indexName)!, stored, `${index.indexName} entry`) } as IndexEntry<I>;
}

/*
 * The item kinds (schema.ts), as their readers and writers name them.
 */

/**
 * A document item (`DOC#<docId>` / `DOC`), as read back: what the write path reads to decide (prior versions,
 * redeliveries, overwrites). Attributes schema.ts does not declare are `unknown`.
 */
export type DocumentItem = ItemOf<'document'>;

/** A recorded page's document as written (documents.ts): what its clustering needs is all there. */
export type RecordedDocumentInput = ItemInput<'document'> & { status: 'recorded'; simhash: string; contentHash: string; rank: string; sketch: string };

/** A recorded page's document item as documents.ts puts it: the sketch as bytes. */
export type WrittenDocumentItem = StoredItemOf<'document'> & { status: 'recorded'; simhash: string; contentHash: string; rank: string; sketch: Uint8Array };

// Every attribute of the public document shape (types.ts) is declared in schema.ts: this fails to compile otherwise.
const PUBLIC_DOCUMENT_ATTRIBUTES_DECLARED: Exclude<keyof StoredDocument, keyof (typeof ITEM_KINDS)['document']['attributes']> extends never ? true : never = true;
void PUBLIC_DOCUMENT_ATTRIBUTES_DECLARED;

/** True for the item at a document's key that is a join hint, not a document (it has no `status`). */
export function isJoinHint(stored: StoredItem | undefined): boolean {
  return stored !== undefined && stored.status === undefined;
}

/** The typed document of a stored item (undefined: none, or only a join hint). */
export function readDocumentItem(stored: StoredItem | undefined): DocumentItem | undefined {
  return stored && !isJoinHint(stored) ? readItem('document', stored) : undefined;
}

/** A join hint at a document's key (clusters.ts hintPending): who hinted, and how many hints it has taken. */
export type JoinHintItem = ItemOf<'joinHint'>;

export function readJoinHint(stored: StoredItem): JoinHintItem {
  return readItem('joinHint', stored);
}

/** The join hint's attribute names, from its declaration (a tombstone removes them: documents.ts markDeleted). */
export const JOIN_HINT_ATTRIBUTES: readonly string[] = Object.keys(ITEM_KINDS.joinHint.attributes);

/**
 * The UpdateItem that adds `hinter` to the join hint at `docId`'s key (creating it): `hintedBy` appended to, `hintCount`
 * counted up, so that a document Put conditioned on the count it decided with fails (clusters.ts hintPending). The
 * caller adds the condition (no document there).
 */
export function joinHintAdding(docId: string, hinter: string): { Key: ItemKey; UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> } {
  const hintedBy = 'hintedBy' satisfies keyof JoinHintItem;
  const hintCount = 'hintCount' satisfies keyof JoinHintItem;
  const added: Pick<ItemInput<'joinHint'>, 'hintedBy' | 'hintCount'> = { hintedBy: [hinter], hintCount: 1 };
  return {
    Key: documentKey(docId),
    UpdateExpression: `SET ${hintedBy} = list_append(if_not_exists(${hintedBy}, :none), :hintedBy) ADD ${hintCount} :hintCount`,
    ExpressionAttributeValues: { ':none': [], ':hintedBy': added.hintedBy, ':hintCount': added.hintCount },
  };
}

/** The document item to put (the recorded page's, a rejected input's, a revisit's). */
export function documentItemFor(document: RecordedDocumentInput): WrittenDocumentItem;
export function documentItemFor(document: ItemInput<'document'>): StoredItemOf<'document'>;
export function documentItemFor(document: ItemInput<'document'>): StoredItemOf<'document'> {
  return storedItem('document', documentKey(document.docId), document);
}

/** A band item (`BAND#...` / `<docId>`): what a lookup filters on before it reads any document (documents.ts bandItem). */
export type BandItem = ItemOf<'band'>;

export function readBandItem(stored: StoredItem): BandItem {
  return readItem('band', stored);
}

/** The band items that make a recorded document findable under `layout`: one per partition of its fingerprint. */
export function bandItemsFor(band: ItemInput<'band'>, layout: IndexLayout): StoredItemOf<'band'>[] {
  return bandKeys(band.simhash, band.docId, layout).map((key) => bandItemFor(key, band));
}

/** One band item, under a band key of the caller's (bench/index-scaling.ts sizes one without a layout). */
export function bandItemFor(key: ItemKey, band: ItemInput<'band'>): StoredItemOf<'band'> {
  return storedItem('band', key, band);
}

/** A member log item (`CLUSTER#<clusterId>` / `MEMBER#<docId>`): a document ever labelled with the cluster. */
export type MemberItem = ItemOf<'member'>;

export function readMemberItem(stored: StoredItem): MemberItem {
  return readItem('member', stored);
}

export function memberItemFor(clusterId: string, member: ItemInput<'member'>): StoredItemOf<'member'> {
  return storedItem('member', memberKey(clusterId, member.docId), member);
}

/**
 * A cluster root (`CLUSTER#<clusterId>` / `CLUSTER`), as written, or as clusters.ts readRoot stands one in from its
 * original's document (`virtual`: no root record yet).
 */
export type ClusterRootItem = ItemOf<'clusterRoot'> & { virtual?: true };

/** A cluster root's verdict reference as the root record stores it (clusters.ts rejudgeCluster). */
export type StoredReference = NonNullable<ClusterRootItem['reference']>;

export function readClusterRootItem(stored: StoredItem): ClusterRootItem {
  return readItem('clusterRoot', stored);
}

/** A cluster's root record as the first label towards the cluster puts it: also its original's byCluster entry (by its rank). */
export function clusterRootItemFor(root: ItemInput<'clusterRoot'>): StoredItemOf<'clusterRoot'> {
  return storedItem('clusterRoot', clusterKey(root.clusterId), { ...root, ...indexKeyAttributes(INDEXES.byCluster, clusterPartition(root.clusterId), root.rank) });
}

/** A record item (`OBJECT#<bucket>/<key>` / `RECORD#<recordId>`): one record of a container object and its document. */
export type RecordItem = ItemOf<'record'>;

/** `sortKeyRecordId`: the recordId the item's sort key spells, for items written before recordId was an attribute. */
export function readRecordItem(stored: StoredItem, sortKeyRecordId: string): RecordItem {
  return readItem('record', typeof stored.recordId === 'string' ? stored : { ...stored, recordId: sortKeyRecordId });
}

export function recordItemFor(bucket: string, key: string, record: ItemInput<'record'>): StoredItemOf<'record'> {
  return storedItem('record', recordKey(bucket, key, record.recordId), record);
}

/** A skipped item (`OBJECT#<bucket>/<key>` / `SKIPPED#<recordId>`): a record that is no page, and why. */
export type SkippedItem = ItemOf<'skipped'>;

export function readSkippedItem(stored: StoredItem): SkippedItem {
  const { url, ...skipped } = readItem('skipped', stored);
  return url ? { ...skipped, url } : skipped; // an empty URL is none
}

export function skippedItemFor(bucket: string, key: string, skipped: ItemInput<'skipped'>): StoredItemOf<'skipped'> {
  return storedItem('skipped', skippedKey(bucket, key, skipped.recordId), skipped);
}

/** An object item (`OBJECT#<bucket>/<key>` / `OBJECT`): the latest event applied to a container object, and its ranges. */
export type ObjectItem = ItemOf<'object'> & { ranges: NonNullable<ItemOf<'object'>['ranges']> };
/** A range's progress as the object item stores it. */
export type StoredRange = ObjectItem['ranges'][string];
/** Where a range resumes: `skip` records are passed over after reading from byte `offset` (`line`: the JSONL line number there). */
export type RangeCursor = NonNullable<StoredRange['c']>;

export function readObjectItem(stored: StoredItem): ObjectItem {
  const object = readItem('object', stored);
  return { ...object, ranges: object.ranges ?? {} };
}

/** The object item as a whole (objects.ts claims and checkpoints it with updates of single attributes). */
export function objectItemFor(bucket: string, key: string, object: ItemInput<'object'>): StoredItemOf<'object'> {
  return storedItem('object', objectKey(bucket, key), object);
}

/** A capture item (`CAPTURE#<sha256 of url>` / `<capture date>`): the WARC record that captured a URL then. */
export type CaptureItem = ItemOf<'capture'>;

export function readCaptureItem(stored: StoredItem): CaptureItem {
  return readItem('capture', stored);
}

export function captureItemFor(capture: ItemInput<'capture'> & { url: string; captureDate: string }): StoredItemOf<'capture'> {
  return storedItem('capture', captureKey(capture.url, capture.captureDate), capture);
}

/**
 * An UpdateItem that sets every attribute of `item` but its keys (names as placeholders: several are reserved words),
 * for items written by an update rather than a put (member log items, object items): same effect on a missing item,
 * and nothing but these attributes is replaced on an existing one. `remove`: attributes of an earlier write the item
 * must not keep (an object item claimed again is not `finished`).
 */
export function updateSetting(
  item: Readonly<Record<string, unknown>>,
  remove: readonly string[] = [],
): { Key: ItemKey; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } {
  const key = keyOf(item);
  const names = Object.keys(item).filter((name) => !(name in key) && item[name] !== undefined);
  const removal = remove.length > 0 ? ` REMOVE ${remove.map((_, index) => `#r${index}`).join(', ')}` : '';
  return {
    Key: key,
    UpdateExpression: `SET ${names.map((_, index) => `#a${index} = :a${index}`).join(', ')}${removal}`,
    ExpressionAttributeNames: Object.fromEntries([...names.map((name, index) => [`#a${index}`, name]), ...remove.map((name, index) => [`#r${index}`, name])]),
    ExpressionAttributeValues: Object.fromEntries(names.map((name, index) => [`:a${index}`, item[name]])),
  };
}
