/**
 * Near-duplicate clusters that converge under concurrent writers with conditional writes only (no transactions).
 *
 * - Every document starts as its own cluster: root record CLUSTER#<docId> with its rank, simhash and sketch.
 * - Merging two clusters writes a WRITE-ONCE redirect on the higher-ranked root (`mergedInto`, condition: none yet),
 *   so roots only ever point to lower ranks and every chain ends at the lowest-ranked document: the original.
 * - A document's label (clusterId, clusterRank) is a monotone min register: a conditional update moves it only to a
 *   lower-ranked cluster.
 * - Labelling M with C: (1) update M's label (stop here if it did not move: whoever set the current label does the
 *   rest), (2) append MEMBER#M to C's partition, (3) re-read C's root and follow a redirect if one appeared.
 *   Merging X into Y: (a) write the redirect, (b) consistent Query of X's members and relabel them. If (2) came
 *   before (b), the merger relabels M; otherwise (3) comes after (b), hence after (a), and sees the redirect.
 *   Either way M ends in the final root.
 * - A new document writes its band items BEFORE querying the bands (consistent reads), so of two concurrent
 *   near-duplicates at least one sees the other and merges their clusters.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { compareFingerprints } from '../core/fingerprint.ts';
import type { Comparison } from '../core/types.ts';
import { attempt, batchGetConsistent, forEachLimited, getConsistent, queryAll, type Item, type StoreContext } from './dynamo.ts';
import { ClusterContention, isConditionFailed, StoreError } from './errors.ts';
import { bandPartitions, clusterKey, clusterPartition, documentKey, memberKey } from './keys.ts';
import { KEY_PREFIXES } from './schema.ts';

/** What a document contributes to clustering: enough to compare it without reading its page again. */
export interface Fingerprinted {
  docId: string;
  simhash: string;
  sketch: string;
}

export interface ClusterRoot extends Fingerprinted {
  /** = docId of the original. */
  clusterId: string;
  rank: string;
}

export interface Candidate extends Fingerprinted {
  rank: string;
  comparison: Comparison;
}

/** The root record a new document starts its own cluster with (written before its bands). */
export function clusterRootItem(root: ClusterRoot): Item {
  return { ...clusterKey(root.clusterId), clusterId: root.clusterId, docId: root.docId, rank: root.rank, simhash: root.simhash, sketch: root.sketch };
}

export function memberItem(clusterId: string, member: Fingerprinted): Item {
  return { ...memberKey(clusterId, member.docId), docId: member.docId, simhash: member.simhash, sketch: member.sketch };
}

async function readRoot(ctx: StoreContext, clusterId: string): Promise<Item> {
  const item = await getConsistent(ctx, clusterKey(clusterId));
  if (!item) throw new StoreError(`cluster ${clusterId} has no root record`);
  return item;
}

function toRoot(item: Item): ClusterRoot {
  return { clusterId: item.clusterId, docId: item.docId, rank: item.rank, simhash: item.simhash, sketch: item.sketch };
}

/** Follow redirects to the cluster's current root. */
export async function resolveCluster(ctx: StoreContext, clusterId: string): Promise<ClusterRoot> {
  let item = await readRoot(ctx, clusterId);
  for (let hop = 0; item.mergedInto !== undefined; hop++) {
    if (hop >= ctx.limits.maxRedirectHops) throw new StoreError(`cluster ${clusterId}: redirect chain longer than ${hop} hops`);
    item = await readRoot(ctx, item.mergedInto as string);
  }
  return toRoot(item);
}

function compareWithRoot(ctx: StoreContext, member: Fingerprinted, root: ClusterRoot): Pick<Comparison, 'distance' | 'similarity'> {
  if (member.docId === root.docId) return { distance: 0, similarity: 1 };
  return compareFingerprints(member, root, ctx.config);
}

/** Label `member` with `root` (only if that lowers its cluster), then follow any redirect that appeared meanwhile. */
export async function labelDocument(ctx: StoreContext, member: Fingerprinted, root: ClusterRoot): Promise<ClusterRoot> {
  let target = root;
  for (let hop = 0; hop < ctx.limits.maxRedirectHops; hop++) {
    // No change (already in this or a lower cluster, or no longer this content): whoever set that label logs it.
    if (!(await setLabel(ctx, member, target))) return target;
    await attempt('PutItem member', () => ctx.db.send(putMember(ctx, target.clusterId, member)));
    const current = await readRoot(ctx, target.clusterId);
    if (current.mergedInto === undefined) return target;
    target = await resolveCluster(ctx, current.mergedInto as string);
  }
  throw new StoreError(`labelling ${member.docId}: redirect chain longer than ${ctx.limits.maxRedirectHops} hops`);
}

function putMember(ctx: StoreContext, clusterId: string, member: Fingerprinted): UpdateCommand {
  // An update rather than a put: same effect, and it never replaces anything but these attributes.
  const key = memberKey(clusterId, member.docId);
  return new UpdateCommand({
    TableName: ctx.table,
    Key: key,
    UpdateExpression: 'SET docId = :docId, simhash = :simhash, sketch = :sketch',
    ExpressionAttributeValues: { ':docId': member.docId, ':simhash': member.simhash, ':sketch': member.sketch },
  });
}

/** True when the label moved to `root`. */
async function setLabel(ctx: StoreContext, member: Fingerprinted, root: ClusterRoot): Promise<boolean> {
  const { distance, similarity } = compareWithRoot(ctx, member, root);
  const isOriginal = member.docId === root.clusterId;
  try {
    await attempt('UpdateItem label', () =>
      ctx.db.send(
        new UpdateCommand({
          TableName: ctx.table,
          Key: documentKey(member.docId),
          UpdateExpression:
            'SET clusterId = :clusterId, clusterRank = :clusterRank, clusterPk = :clusterPk, clusterSk = #rank, isOriginal = :isOriginal, ' +
            'distance = :distance, similarity = :similarity, updatedAt = :now' +
            (isOriginal ? ' REMOVE duplicateOf' : ', duplicateOf = :clusterId'),
          // Only a recorded document with this very content, and only towards a lower-ranked cluster (min register).
          ConditionExpression: '#status = :recorded AND simhash = :simhash AND (attribute_not_exists(clusterRank) OR clusterRank > :clusterRank)',
          ExpressionAttributeNames: { '#status': 'status', '#rank': 'rank' },
          ExpressionAttributeValues: {
            ':clusterId': root.clusterId,
            ':clusterRank': root.rank,
            ':clusterPk': clusterPartition(root.clusterId),
            ':isOriginal': isOriginal,
            ':distance': distance,
            ':similarity': similarity,
            ':now': ctx.now(),
            ':recorded': 'recorded',
            ':simhash': member.simhash,
          },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return false; // already in this or a lower cluster, or the document was overwritten / deleted meanwhile
  }
}

/** Merge the clusters of `a` and `b` into the lower-ranked root; returns the merged cluster's root. */
export async function mergeClusters(ctx: StoreContext, a: string, b: string): Promise<ClusterRoot> {
  for (let attemptNo = 0; attemptNo < ctx.limits.maxMergeAttempts; attemptNo++) {
    const [rootA, rootB] = await Promise.all([resolveCluster(ctx, a), resolveCluster(ctx, b)]);
    if (rootA.clusterId === rootB.clusterId) return rootA;
    const [lower, higher] = rootA.rank < rootB.rank ? [rootA, rootB] : [rootB, rootA];
    try {
      await attempt('UpdateItem redirect', () =>
        ctx.db.send(
          new UpdateCommand({
            TableName: ctx.table,
            Key: clusterKey(higher.clusterId),
            UpdateExpression: 'SET mergedInto = :lower, mergedRank = :lowerRank, mergedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':lower': lower.clusterId, ':lowerRank': lower.rank, ':now': ctx.now() },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      continue; // someone merged `higher` meanwhile: resolve again
    }
    await relabelMembers(ctx, higher.clusterId, lower);
    return resolveCluster(ctx, lower.clusterId);
  }
  throw new ClusterContention(`merging clusters ${a} and ${b} did not settle after ${ctx.limits.maxMergeAttempts} attempts`);
}

async function relabelMembers(ctx: StoreContext, fromClusterId: string, to: ClusterRoot): Promise<void> {
  const members = await queryAll(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
    ExpressionAttributeValues: { ':pk': clusterPartition(fromClusterId), ':member': KEY_PREFIXES.member },
    ConsistentRead: true,
  });
  await forEachLimited(members, ctx.limits.relabelConcurrency, async (member) => {
    await labelDocument(ctx, { docId: member.docId, simhash: member.simhash, sketch: member.sketch }, to);
  });
}

/**
 * Near-duplicate candidates of a fingerprint: at most 4 single-partition consistent Queries (one per band), judged
 * by the core from the band items alone. Not yet checked against the candidates' documents (see liveCandidates).
 */
export async function findCandidates(ctx: StoreContext, self: Fingerprinted): Promise<Candidate[]> {
  const bands = await Promise.all(
    bandPartitions(self.simhash).map((pk) =>
      queryAll(ctx, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
    ),
  );
  const byDocId = new Map<string, Candidate>();
  for (const item of bands.flat()) {
    const docId = item.docId; // an attribute: the band's sort key may be a shortened docId (keys.ts)
    if (typeof docId !== 'string' || docId === self.docId || byDocId.has(docId)) continue;
    const comparison = compareFingerprints(self, { simhash: item.simhash, sketch: item.sketch }, ctx.config);
    if (comparison.nearDuplicate) byDocId.set(docId, { docId, simhash: item.simhash, sketch: item.sketch, rank: item.rank, comparison });
  }
  return [...byDocId.values()];
}

/** Candidates whose document is still recorded with the fingerprint of the band item (orphan bands never match). */
async function liveCandidates(ctx: StoreContext, candidates: Candidate[]): Promise<Item[]> {
  const documents = await batchGetConsistent(ctx, candidates.map((candidate) => documentKey(candidate.docId)));
  const bandSimhash = new Map(candidates.map((candidate) => [candidate.docId, candidate.simhash]));
  return documents.filter((doc) => doc.status === 'recorded' && doc.simhash === bandSimhash.get(doc.docId) && typeof doc.clusterId === 'string');
}

/**
 * Put a recorded document (its band items already written) into the cluster of its near-duplicates, merging their
 * clusters. Idempotent: running it again on a settled document writes nothing. Returns the final root, or null when
 * the document is no longer recorded with this fingerprint.
 */
export async function assignCluster(ctx: StoreContext, self: Fingerprinted): Promise<ClusterRoot | null> {
  const candidates = await findCandidates(ctx, self);
  const [doc, live] = await Promise.all([getConsistent(ctx, documentKey(self.docId)), liveCandidates(ctx, candidates)]);
  if (!doc || doc.status !== 'recorded' || doc.simhash !== self.simhash) return null;

  const clusterIds = [...new Set([doc.clusterId as string, ...live.map((candidate) => candidate.clusterId as string)])];
  let root = await resolveCluster(ctx, clusterIds[0] as string);
  for (const clusterId of clusterIds.slice(1)) root = await mergeClusters(ctx, root.clusterId, clusterId);
  return labelDocument(ctx, self, root);
}
