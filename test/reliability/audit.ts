/**
 * The reliability audit: read the whole table (consistent scan) and check every upload against what it should have
 * become. One place computes the figures the suite and the soak print: lost, duplicated, split, joined, ghosts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { bandPartitions } from '../../functions/store/keys.ts';
import { KEY_PREFIXES } from '../../functions/store/schema.ts';

type Item = Record<string, NativeAttributeValue>;

/** What one upload must end as. */
export interface Expectation {
  docId: string;
  status: 'recorded' | 'rejected' | 'deleted';
  /** For rejected inputs: the reason code it must carry (any code when absent). */
  reasonCode?: string;
  /** Recorded documents of one group must share one cluster; a recorded document with no group is alone in its own. */
  group?: string;
}

export interface AuditFigures {
  /** Uploads audited. */
  inputs: number;
  /** Uploads with no document item, a different status (or rejection reason) than expected, or recorded without their band items. */
  lost: number;
  /** Document items for objects nobody uploaded (e.g. a key decoded two ways), plus recorded documents indexed twice. */
  duplicated: number;
  /** Extra clusters a group ended in (a group in 3 clusters counts 2), including labels left on a merged root. */
  split: number;
  /** Documents expected alone that ended in another document's cluster. */
  joined: number;
  /** Recorded documents labelled a duplicate of a document that is not recorded. */
  ghosts: number;
  /** Band items whose document is not recorded with that fingerprint (harmless by design; reported, not asserted). */
  orphanBands: number;
  /** Failures of documents marked as known defects, kept out of the figures above. */
  knownDefectFailures: number;
  /** One line per problem, for the assertion message. */
  problems: string[];
}

type Failure = 'lost' | 'duplicated' | 'split' | 'joined' | 'ghosts';

export async function scanTable(dynamo: DynamoDBClient, tableName: string): Promise<Item[]> {
  const db = DynamoDBDocumentClient.from(dynamo);
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Audit a table; failures of the documents in `knownDefects` (docIds) are counted apart. */
export async function auditTable(dynamo: DynamoDBClient, tableName: string, expectations: Expectation[], knownDefects: ReadonlySet<string> = new Set()): Promise<AuditFigures> {
  return auditItems(await scanTable(dynamo, tableName), expectations, knownDefects);
}

export function auditItems(items: Item[], expectations: Expectation[], knownDefects: ReadonlySet<string> = new Set()): AuditFigures {
  const documents = new Map<string, Item>();
  const roots = new Map<string, Item>();
  const bandsByDoc = new Map<string, Item[]>();
  for (const item of items) {
    const pk = String(item.pk);
    if (item.sk === KEY_PREFIXES.documentSort) documents.set(String(item.docId), item);
    else if (item.sk === KEY_PREFIXES.clusterSort) roots.set(String(item.clusterId), item);
    // The band's sort key is shortened for long docIds; its docId attribute is the document it indexes.
    else if (pk.startsWith(KEY_PREFIXES.band)) bandsByDoc.set(String(item.docId), [...(bandsByDoc.get(String(item.docId)) ?? []), item]);
  }
  const figures: AuditFigures = { inputs: expectations.length, lost: 0, duplicated: 0, split: 0, joined: 0, ghosts: 0, orphanBands: 0, knownDefectFailures: 0, problems: [] };
  const fail = (kind: Failure, docId: string, line: string, count = 1): void => {
    const known = knownDefects.has(docId);
    if (known) figures.knownDefectFailures += count;
    else figures[kind] += count;
    // Keys can be 1 KB long: keep each line readable.
    const readable = line.replace(/[^ ,]{100,}/g, (long) => `${long.slice(0, 60)}…${long.slice(-30)}`);
    if (figures.problems.length < 20) figures.problems.push(`${known ? '(known defect) ' : ''}${kind}: ${readable}`);
  };

  const expected = new Map(expectations.map((expectation) => [expectation.docId, expectation]));
  for (const expectation of expectations) {
    const doc = documents.get(expectation.docId);
    const reasonWrong = expectation.reasonCode !== undefined && doc?.reasonCode !== expectation.reasonCode;
    if (!doc || doc.status !== expectation.status || (expectation.status === 'rejected' && (reasonWrong || !doc.reason))) {
      fail('lost', expectation.docId, `${expectation.docId} expected ${expectation.status}${expectation.reasonCode ? ` (${expectation.reasonCode})` : ''}, found ${doc ? `${doc.status} ${doc.reasonCode ?? ''}` : 'no document'}`);
    }
  }
  for (const docId of documents.keys()) {
    if (!expected.has(docId)) {
      fail('duplicated', docId, `a document ${docId} for an object nobody uploaded`);
    }
  }

  const recorded = [...documents.values()].filter((doc) => doc.status === 'recorded');
  for (const doc of recorded) {
    const wanted = new Set(bandPartitions(String(doc.simhash)));
    const live = (bandsByDoc.get(doc.docId) ?? []).filter((band) => band.simhash === doc.simhash).map((band) => String(band.pk));
    if (live.length > wanted.size) {
      fail('duplicated', doc.docId, `${doc.docId} has ${live.length} band items, ${wanted.size} expected`);
    }
    const missing = [...wanted].filter((pk) => !live.includes(pk));
    if (missing.length > 0) {
      // Recorded but not findable: a later near-duplicate would never see it.
      fail('lost', doc.docId, `${doc.docId} is recorded without its index items ${missing.join(', ')}`);
    }
    if (doc.clusterId !== doc.docId && documents.get(String(doc.clusterId))?.status !== 'recorded') {
      fail('ghosts', doc.docId, `${doc.docId} is labelled with cluster ${doc.clusterId}, whose document is ${documents.get(String(doc.clusterId))?.status ?? 'missing'}`);
    }
  }
  for (const [docId, bands] of bandsByDoc) {
    const doc = documents.get(docId);
    figures.orphanBands += bands.filter((band) => doc?.status !== 'recorded' || band.simhash !== doc.simhash).length;
  }

  // Clusters: each group in one converged cluster, each lone document in its own.
  const clustersOfGroup = new Map<string, Set<string>>();
  for (const expectation of expectations) {
    const doc = documents.get(expectation.docId);
    if (expectation.status !== 'recorded' || doc?.status !== 'recorded') continue;
    const clusterId = String(doc.clusterId);
    if (roots.get(clusterId)?.mergedInto !== undefined) {
      fail('split', doc.docId, `${doc.docId} is still labelled with merged cluster ${clusterId}`);
    }
    if (expectation.group === undefined) {
      if (clusterId !== doc.docId) {
        fail('joined', doc.docId, `${doc.docId} expected alone, labelled with cluster ${clusterId}`);
      }
    } else {
      clustersOfGroup.set(expectation.group, (clustersOfGroup.get(expectation.group) ?? new Set()).add(clusterId));
    }
  }
  const owners = new Map<string, string>();
  for (const [group, clusters] of clustersOfGroup) {
    if (clusters.size > 1) {
      fail('split', group, `group ${group} ended in ${clusters.size} clusters`, clusters.size - 1);
    }
    for (const clusterId of clusters) {
      const owner = owners.get(clusterId);
      if (owner !== undefined && owner !== group) {
        fail('joined', clusterId, `groups ${owner} and ${group} share cluster ${clusterId}`);
      }
      owners.set(clusterId, group);
    }
  }
  return figures;
}
