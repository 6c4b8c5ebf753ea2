/**
 * The DynamoDB key design, as plain data: the store builds every key from here, the CDK construct and the
 * local stack create the table from here, and the README documents it. Nothing else names a key attribute.
 * Each item kind's attributes are declared here too (ITEM_KINDS, at the end): items.ts derives types, readers and writers.
 *
 * One table, generic key names (single-table design):
 *   document   pk = DOC#<docId>            sk = DOC         docId = <bucket>/<key> (a record inside an object: <bucket>/<key>#<offset>)
 *   join hint  pk = DOC#<docId>            sk = DOC         no `status`: a page that found this docId's band items before its document
 *                                                               (written bands first, Put last) names itself in `hintedBy`; readers see no document
 *   band       pk = BAND#<i>#<4 hex>       sk = <docId>     i = 0..3: the 16-bit bands of the 64-bit SimHash (default layout bands4x16;
 *                                                               the permuted layouts write BAND#p10x25.<t>#<hex> / BAND#p16x28.<t>#<hex>: index-layout.ts)
 *   cluster    pk = CLUSTER#<clusterId>    sk = CLUSTER     the cluster's root record, written lazily (a lone document has none: its own
 *                                                               document stands for it); `mergedInto` (write-once) redirects a merged cluster to an earlier one;
 *                                                               `dating` and `contentHash` of the original (verdicts.ts; exact copies, queries.ts);
 *                                                               `reference` + `referenceVersion` once the original is gone
 *   member     pk = CLUSTER#<clusterId>    sk = MEMBER#<docId>  append-only log of every other document ever labelled with the cluster, with its `dating`
 *                                                               (read with a consistent Query when the cluster is merged; GSIs are only eventually consistent)
 *   object     pk = OBJECT#<bucket>/<key>  sk = OBJECT      a container object (WARC, JSONL): the latest event applied (sequencerKey) and its status
 *   record     pk = OBJECT#<bucket>/<key>  sk = RECORD#<recordId>  one per record of the object, written before its document:
 *                                                               ObjectRemoved lists them with one consistent Query (no GSI, no Scan)
 *   skipped    pk = OBJECT#<bucket>/<key>  sk = SKIPPED#<recordId>  a record of the object that is no page (request, warcinfo, image,
 *                                                               redirect...) and why (`reason`); no document: it is listed, not analyzed
 *   capture    pk = CAPTURE#<sha256 of url> sk = <capture date>  docId of the WARC record that captured <url> then: a revisit in another
 *                                                               WARC file finds its original by WARC-Refers-To-Target-URI + -Date with one GetItem
 * Indexes (sparse: only items with the attributes appear):
 *   byCluster      clusterPk = CLUSTER#<clusterId>  rank                    members of a cluster, original first; exact duplicates of a
 *                                                                            page: its cluster's members with its contentHash (a filter)
 *   mismatches     mismatchPk = MISMATCH            mismatchSk = <firstSeen>#<docId>   mismatched-date copies of both kinds (`mismatchKinds`)
 * (<rank> = <believed day>#<firstSeen>#<16 hex of the docId's SHA-256> (before: the docId); a revisit's rank is <referred rank>#<docId>. The document's own `rank`
 * is the sort key of byCluster: documents written before carry the same value again as clusterSk / hashSk, now unused.)
 * Exact copies (same contentHash: the same main text) have the same SimHash and sketch, so they are always near-duplicates
 * of each other, hence in one cluster: no index of their own (a byContentHash index, HASH#<sha256>, did that until issue 15;
 * items written before may still carry its key `hashPk`, inert). Pages with an empty main text are never clustered, and
 * have no exact copies either.
 * Projections are sized to their readers (an index entry costs a write unit per started KB on every change): each
 * carries what the README's `aws dynamodb query` examples project, and the store's readers fetch whole documents by
 * key (one BatchGet) after the Query. Only the documents' own attributes are projected, never the sketch.
 *
 * Key sizes (DynamoDB, UTF-8 bytes; GSI key attributes alike): partition keys <= 2,048, sort keys <= 1,024. A docId
 * is up to 63 (bucket) + 1 + 1,024 (S3 key) + 1 + recordId bytes, so partition keys embedding one (DOC#, CLUSTER#,
 * OBJECT#) always fit, but sort keys embedding one may not. Rule: every sort key and GSI sort-key attribute (band sk,
 * MEMBER#, RECORD#, capture date, rank, mismatchSk) is built by keys.ts `sortKey`: the value
 * itself when it fits in 1,024 bytes, else its longest prefix within 959 bytes + '~' + the SHA-256 hex of the whole
 * value (at most 1,024 bytes; the prefix keeps the sort order of the leading fields). Items with such keys carry the
 * docId (and recordId, captureDate) as plain attributes, which is what readers use: no reader decodes a key.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** A document's sort order inside a cluster (exact copies included): the sort key of byCluster. */
export const RANK_ATTRIBUTE = 'rank';

/**
 * Index keys the store wrote before issue 15 (copies of `rank`; `hashPk`, the key of the byContentHash index, gone):
 * never written now, removed with the index keys, never shown in a document.
 */
export const FORMER_INDEX_KEYS = ['clusterSk', 'hashSk', 'hashPk'] as const;

export const INDEXES = {
  byCluster: {
    indexName: 'byCluster',
    partitionKey: 'clusterPk',
    sortKey: RANK_ATTRIBUTE,
    // `duplicates` and the README's cluster query; contentHash: the exact-duplicates filter (queries.ts); the report's Scan reads the rest by key.
    projection: { type: 'INCLUDE', attributes: ['docId', 'clusterId', 'isOriginal', 'distance', 'claimedDate', 'dateMismatch', 'contentHash'] },
  },
  mismatches: {
    indexName: 'mismatches',
    partitionKey: 'mismatchPk',
    sortKey: 'mismatchSk',
    projection: { type: 'INCLUDE', attributes: ['docId', 'mismatchKinds', 'dateEvidence', 'earlierCopy'] },
  },
} as const;

export type IndexDefinition = (typeof INDEXES)[keyof typeof INDEXES];

/** The attributes an index entry holds: the table's keys, the index's keys, and what it projects. */
export function projectedAttributes(index: IndexDefinition): string[] {
  return [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.partitionKey, index.sortKey, ...index.projection.attributes];
}

/** Every attribute some index keys on (declared once in a CreateTable / CloudFormation template). */
export function indexKeyAttributeNames(): string[] {
  return [...new Set(Object.values(INDEXES).flatMap((index) => [index.partitionKey, index.sortKey]))];
}

/** Key prefixes and fixed sort keys of the item kinds above. */
export const KEY_PREFIXES = {
  document: 'DOC#',
  documentSort: 'DOC',
  band: 'BAND#',
  cluster: 'CLUSTER#',
  clusterSort: 'CLUSTER',
  member: 'MEMBER#',
  mismatch: 'MISMATCH',
  object: 'OBJECT#',
  objectSort: 'OBJECT',
  record: 'RECORD#',
  skipped: 'SKIPPED#',
  capture: 'CAPTURE#',
} as const;

/** Default table name for the embedded stack and the CLI; the CDK stack passes its own through TABLE_NAME. */
export const DEFAULT_TABLE_NAME = 'archive-dedup';

/**
 * An attribute's type tag (ITEM_KINDS). Scalars: `string`, `number`, `boolean`, `true` (only ever true, else absent),
 * `sketch` (base64 text in memory, a Binary in the table: items.ts), `map` (any map: its reader checks it further),
 * `list` (any list). Suffix `|null`: may also be null; suffix `?`: may be absent (not applicable to the item, or an
 * item written before the attribute existed). `{ oneOf }`: one of these strings; `{ map }`: a map with these
 * attributes; `{ mapOf }`: a map of any names to maps with these attributes (`optional` as `?`).
 */
type ScalarTag = 'string' | 'number' | 'boolean' | 'true' | 'sketch' | 'map' | 'list';
export type AttributeTag =
  | ScalarTag
  | `${ScalarTag}?`
  | `${ScalarTag}|null`
  | `${ScalarTag}|null?`
  | { readonly oneOf: readonly string[]; readonly optional?: true }
  | { readonly map: AttributeSpecs; readonly optional?: true }
  | { readonly mapOf: AttributeSpecs; readonly optional?: true };
export interface AttributeSpecs {
  readonly [name: string]: AttributeTag;
}

export interface ItemKindSpec {
  /** Every attribute the kind stores besides its table keys and index keys. */
  readonly attributes: AttributeSpecs;
  /** The indexes an item of the kind may enter (sparse: by carrying their key attributes). */
  readonly indexes: readonly (keyof typeof INDEXES)[];
  /** Optional when read (items of older shapes may lack them), always written. */
  readonly alwaysWritten?: readonly string[];
  /** Attributes not named here are kept when read, as `unknown` (the document: its attribute set grows with the core). */
  readonly open?: true;
}

/**
 * The attributes of each item kind of the key design above, declared once: items.ts derives from this each kind's
 * TypeScript type, its checking reader and its writer, so adding an attribute is one edit here.
 */
export const ITEM_KINDS = {
  document: {
    attributes: {
      docId: 'string',
      status: { oneOf: ['recorded', 'rejected', 'deleted'] },
      /** The S3 sequencer of the event applied, padded (keys.ts sequencerKey): string order is event order. */
      sequencerKey: 'string',
      bucket: 'string?',
      key: 'string?',
      versionId: 'string?',
      eTag: 'string?',
      sequencer: 'string?',
      size: 'number?',
      contentType: 'string?',
      reason: 'string?',
      reasonCode: 'string?',
      title: 'string|null?',
      canonicalUrl: 'string|null?',
      /** 'html' | 'text' for an analyzed page; 'revisit' for a WARC revisit record (revisits.ts). */
      kind: 'string?',
      charset: 'string?',
      mainTextChars: 'number?',
      /** Absent: version 1, from before versions. */
      fingerprintVersion: 'number?',
      extraction: { oneOf: ['dom', 'streaming', 'text'], optional: true },
      simhash: 'string?',
      contentHash: 'string?',
      sketch: 'sketch?',
      claimedDate: 'map|null?',
      contentDates: 'map?',
      dateMismatch: 'boolean?',
      mismatchKinds: 'list?',
      earlierCopy: 'map?',
      dateGapDays: 'number|null?',
      dateEvidence: 'string|null?',
      clusterId: 'string?',
      /** The label's rank (clusters.ts setLabel); absent while the document is its own first cluster. */
      clusterRank: 'string?',
      isOriginal: 'boolean?',
      duplicateOf: 'string?',
      distance: 'number?',
      similarity: 'number?',
      rank: 'string?',
      /** The verdict reference version the stored verdict was judged against (absent: 0, the original). */
      verdictVersion: 'number?',
      recordId: 'string?',
      captureDate: 'string?',
      url: 'string?',
      /** A revisit's referred document (revisits.ts). */
      revisitOf: 'string?',
      refersTo: 'map?',
      firstSeen: 'string?',
      updatedAt: 'string?',
      truncated: 'map?',
      /**
       * The run that wrote this version of the document finished its clustering before this Put (documents.ts
       * recordFresh): a redelivery of the same event reads it and stops. Absent: a redelivery repairs.
       */
      settled: 'true?',
    },
    indexes: ['byCluster', 'mismatches'],
    alwaysWritten: ['bucket', 'key', 'firstSeen', 'updatedAt'],
    open: true,
  },
  band: {
    /** What a lookup filters on before it reads any document (documents.ts bandItem); items written before also carry sketch and rank. */
    attributes: { docId: 'string', simhash: 'string', fingerprintVersion: 'number?', sketch: 'sketch?', rank: 'string?', writtenAt: 'string?' },
    indexes: [],
  },
  /**
   * A join hint at a document's key before its document exists (pk = DOC#<docId>, sk = DOC, no `status`): written by
   * a page that found this one's band items but not its document (clusters.ts hintPending), so that this one's Put
   * fails and it clusters with the hinting pages. The document Put replaces it; every reader takes it for no document.
   */
  joinHint: { attributes: { hintedBy: 'list', hintCount: 'number' }, indexes: [] },
  member: {
    /** dating: verdicts.ts encodeDating; absent on items written before it. */
    attributes: { docId: 'string', simhash: 'string', sketch: 'sketch', dating: 'string?' },
    indexes: [],
  },
  clusterRoot: {
    attributes: {
      clusterId: 'string',
      docId: 'string',
      rank: 'string',
      simhash: 'string',
      sketch: 'sketch',
      dating: 'string?',
      /** The original's (an exact-duplicates answer filters byCluster on it, queries.ts); absent on roots written before it. */
      contentHash: 'string?',
      /** Write-once redirect to the cluster this one was merged into, with that cluster's rank and when. */
      mergedInto: 'string?',
      mergedRank: 'string?',
      mergedAt: 'string?',
      /** Whom members are judged against once the original is gone (clusters.ts rejudgeCluster). */
      reference: { map: { docId: 'string', rank: 'string', dating: 'string?' }, optional: true },
      referenceVersion: 'number?',
    },
    /** byCluster: its original's entry, while unmerged. */
    indexes: ['byCluster'],
  },
  object: {
    attributes: {
      status: 'string',
      sequencerKey: 'string',
      bucket: 'string?',
      key: 'string?',
      sequencer: 'string|null?',
      eTag: 'string|null?',
      updatedAt: 'string?',
      /** Each range's progress by range index ("0", "1", ...), short names: the item is rewritten at every checkpoint. */
      ranges: {
        mapOf: {
          /** Cursor of the first record not done: `skip` records passed over after reading from byte `offset`. */
          c: { map: { offset: 'number', skip: 'number', line: 'number?' }, optional: true },
          /** Records done. */
          r: 'number',
          /** Revisits left unlinked. */
          u: 'number?',
          /** Done. */
          d: 'boolean',
        },
        optional: true,
      },
      rangesTotal: 'number?',
      finished: 'true?',
    },
    indexes: [],
  },
  /** recordId: the sort key spelled it on items written before it was an attribute (items.ts readRecordItem). */
  record: { attributes: { recordId: 'string', docId: 'string', sequencerKey: 'string?' }, indexes: [] },
  skipped: { attributes: { recordId: 'string', reason: 'string', url: 'string?', sequencerKey: 'string?' }, indexes: [] },
  capture: { attributes: { docId: 'string', url: 'string?', captureDate: 'string?' }, indexes: [] },
} as const satisfies Record<string, ItemKindSpec>;

export type ItemKindName = keyof typeof ITEM_KINDS;
