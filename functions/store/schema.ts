/**
 * The DynamoDB key design, as plain data: the store builds every key from here, the CDK construct and the
 * local stack create the table from here, and the README documents it. Nothing else names a key attribute.
 *
 * One table, generic key names (single-table design):
 *   document   pk = DOC#<docId>            sk = DOC         docId = <bucket>/<key> (a record inside an object: <bucket>/<key>#<offset>)
 *   band       pk = BAND#<i>#<4 hex>       sk = <docId>     i = 0..3: the 16-bit bands of the 64-bit SimHash (default layout bands4x16;
 *                                                               the permuted layouts write BAND#p10x25.<t>#<hex> / BAND#p16x28.<t>#<hex>: index-layout.ts)
 *   cluster    pk = CLUSTER#<clusterId>    sk = CLUSTER     the cluster's root record, written lazily (a lone document has none: its own
 *                                                               document stands for it); `mergedInto` (write-once) redirects a merged cluster to an earlier one;
 *                                                               `dating` of the original (verdicts.ts); `reference` + `referenceVersion` once the original is gone
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
 *   byCluster      clusterPk = CLUSTER#<clusterId>  rank                    members of a cluster, original first
 *   byContentHash  hashPk = HASH#<sha256>           rank                    exact duplicates
 *   mismatches     mismatchPk = MISMATCH            mismatchSk = <firstSeen>#<docId>   mismatched-date copies of both kinds (`mismatchKinds`)
 * (<rank> = <believed day>#<firstSeen>#<16 hex of the docId's SHA-256> (before: the docId); a revisit's rank is <referred rank>#<docId>. The document's own `rank`
 * is the sort key of both: documents written before carry the same value again as clusterSk / hashSk, now unused.)
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

/** A document's sort order inside a cluster and among exact copies: the sort key of byCluster and byContentHash. */
export const RANK_ATTRIBUTE = 'rank';

/** Index keys the store wrote before issue 15 (copies of `rank`): never written now, removed with the index keys. */
export const FORMER_INDEX_KEYS = ['clusterSk', 'hashSk'] as const;

export const INDEXES = {
  byCluster: {
    indexName: 'byCluster',
    partitionKey: 'clusterPk',
    sortKey: RANK_ATTRIBUTE,
    // `duplicates` and the README's cluster query; the report's Scan reads the rest by key.
    projection: { type: 'INCLUDE', attributes: ['docId', 'clusterId', 'isOriginal', 'distance', 'claimedDate', 'dateMismatch'] },
  },
  byContentHash: { indexName: 'byContentHash', partitionKey: 'hashPk', sortKey: RANK_ATTRIBUTE, projection: { type: 'INCLUDE', attributes: ['docId'] } },
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
  contentHash: 'HASH#',
  mismatch: 'MISMATCH',
  object: 'OBJECT#',
  objectSort: 'OBJECT',
  record: 'RECORD#',
  skipped: 'SKIPPED#',
  capture: 'CAPTURE#',
} as const;

/** Default table name for the embedded stack and the CLI; the CDK stack passes its own through TABLE_NAME. */
export const DEFAULT_TABLE_NAME = 'archive-dedup';
