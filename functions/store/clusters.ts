/**
 * Near-duplicate clusters that converge under concurrent writers with conditional writes only (no transactions).
 *
 * - Every document starts as its own cluster, with no item of its own: a missing root record CLUSTER#<docId> stands for
 *   the document's own unmerged cluster (rank, simhash and sketch read from the document). Roots are written lazily:
 *   a merge creates the higher-ranked root together with its redirect, and the first label towards a cluster creates
 *   that cluster's root (so it outlives its original's document).
 * - Merging two clusters writes a WRITE-ONCE redirect on the higher-ranked root (`mergedInto`, condition: none yet;
 *   the update creates the root when it was missing), so roots only ever point to lower ranks and every chain ends at
 *   the lowest-ranked document: the original. A missing root is exactly a root without a redirect.
 * - A document's label (clusterId, clusterRank) is a monotone min register: a conditional update moves it only to a
 *   lower-ranked cluster.
 * - Labelling M with C: (1) update M's label (stop here if it did not move: whoever set the current label does the
 *   rest), (2) append MEMBER#M to C's partition, (3) re-read C's root and follow a redirect if one appeared.
 *   Merging X into Y: (a) write the redirect, (b) consistent Query of X's members and relabel them and X's own
 *   document (an implicit member: a cluster's original never logs itself). If (2) came before (b), the merger
 *   relabels M; otherwise (3) comes after (b), hence after (a), and sees the redirect.
 *   Either way M ends in the final root.
 * - A new document writes its band items BEFORE querying the bands (consistent reads), so of two concurrent
 *   near-duplicates at least one sees the other and merges their clusters. A new document that finds no candidate
 *   stops there: it is its own cluster already (written so by its document Put).
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { compareFingerprints, FINGERPRINT_VERSION } from '../core/fingerprint.ts';
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
  /** FINGERPRINT_VERSION of simhash and sketch; candidates of another version are never compared (absent: the current one). */
  fingerprintVersion?: number;
}

export interface ClusterRoot extends Fingerprinted {
  /** = docId of the original. */
  clusterId: string;
  rank: string;
  /** True when the root has no record yet: an unmerged cluster, described by its original's document. */
  virtual?: boolean;
}

export interface Candidate extends Fingerprinted {
  rank: string;
  comparison: Comparison;
}

/** A cluster's root record, as the first label towards the cluster writes it. */
export function clusterRootItem(root: ClusterRoot): Item {
  return { ...clusterKey(root.clusterId), clusterId: root.clusterId, docId: root.docId, rank: root.rank, simhash: root.simhash, sketch: root.sketch };
}

/** The root record, or (none written yet) the cluster's unmerged root read from its original's recorded document. */
async function readRoot(ctx: StoreContext, clusterId: string): Promise<Item> {
  const found = await batchGetConsistent(ctx, [clusterKey(clusterId), documentKey(clusterId)]);
  const root = found.find((item) => item.sk === KEY_PREFIXES.clusterSort);
  if (root) return root;
  const doc = found.find((item) => item.sk === KEY_PREFIXES.documentSort);
  if (doc?.status !== 'recorded' || typeof doc.simhash !== 'string' || typeof doc.rank !== 'string') {
    throw new StoreError(`cluster ${clusterId} has no root record and its document is ${doc ? String(doc.status) : 'missing'}`);
  }
  return { clusterId, docId: clusterId, rank: doc.rank, simhash: doc.simhash, sketch: doc.sketch, virtual: true };
}

function toRoot(item: Item): ClusterRoot {
  const root: ClusterRoot = { clusterId: item.clusterId, docId: item.docId, rank: item.rank, simhash: item.simhash, sketch: item.sketch };
  return item.virtual === true ? { ...root, virtual: true } : root;
}

/** Follow redirects from a cluster: the roots merged away on the way (the first is the cluster itself, if merged), and the current root. */
async function redirectChain(ctx: StoreContext, clusterId: string): Promise<{ mergedAway: ClusterRoot[]; root: ClusterRoot }> {
  const mergedAway: ClusterRoot[] = [];
  let item = await readRoot(ctx, clusterId);
  for (let hop = 0; item.mergedInto !== undefined; hop++) {
    if (hop >= ctx.limits.maxRedirectHops) throw new StoreError(`cluster ${clusterId}: redirect chain longer than ${hop} hops`);
    mergedAway.push(toRoot(item));
    item = await readRoot(ctx, item.mergedInto as string);
  }
  return { mergedAway, root: toRoot(item) };
}

/** Follow redirects to the cluster's current root. */
export async function resolveCluster(ctx: StoreContext, clusterId: string): Promise<ClusterRoot> {
  return (await redirectChain(ctx, clusterId)).root;
}

/** Before an unmerged cluster gains its first other member: its root record, so that the cluster outlives its original. */
async function materializeRoot(ctx: StoreContext, root: ClusterRoot): Promise<void> {
  try {
    await attempt('PutItem root', () =>
      ctx.db.send(new PutCommand({ TableName: ctx.table, Item: clusterRootItem(root), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error; // written meanwhile, maybe with its redirect: never overwritten
  }
}

function compareWithRoot(ctx: StoreContext, member: Fingerprinted, root: ClusterRoot): Pick<Comparison, 'distance' | 'similarity'> {
  if (member.docId === root.docId) return { distance: 0, similarity: 1 };
  return compareFingerprints(member, root, ctx.config);
}

/** Label `member` with `root` (only if that lowers its cluster), then follow any redirect that appeared meanwhile. */
export async function labelDocument(ctx: StoreContext, member: Fingerprinted, root: ClusterRoot): Promise<ClusterRoot> {
  let target = root;
  for (let hop = 0; hop < ctx.limits.maxRedirectHops; hop++) {
    if (target.virtual && target.clusterId !== member.docId) await materializeRoot(ctx, target);
    // No change (already in this or a lower cluster, or no longer this content): whoever set that label logs it.
    if (!(await setLabel(ctx, member, target))) return target;
    await attempt('PutItem member', () => ctx.db.send(putMember(ctx, target.clusterId, member)));
    // A missing root record is a root without a redirect (a merge creates it with its redirect).
    const redirect = (await getConsistent(ctx, clusterKey(target.clusterId)))?.mergedInto as string | undefined;
    if (redirect === undefined) return target;
    target = await resolveCluster(ctx, redirect);
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
          // A document still in its own first cluster has no clusterRank: its own rank stands for it.
          ConditionExpression:
            '#status = :recorded AND simhash = :simhash AND (clusterRank > :clusterRank OR ' +
            '(attribute_not_exists(clusterRank) AND (attribute_not_exists(#rank) OR #rank > :clusterRank)))',
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
            // Creates the root record when the cluster had none (unmerged): write-once either way.
            UpdateExpression:
              'SET mergedInto = :lower, mergedRank = :lowerRank, mergedAt = :now, clusterId = :higher, docId = if_not_exists(docId, :higher), ' +
              '#rank = if_not_exists(#rank, :higherRank), simhash = if_not_exists(simhash, :simhash), sketch = if_not_exists(sketch, :sketch)',
            ConditionExpression: 'attribute_not_exists(mergedInto)',
            ExpressionAttributeNames: { '#rank': 'rank' },
            ExpressionAttributeValues: {
              ':lower': lower.clusterId,
              ':lowerRank': lower.rank,
              ':now': ctx.now(),
              ':higher': higher.clusterId,
              ':higherRank': higher.rank,
              ':simhash': higher.simhash,
              ':sketch': higher.sketch,
            },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      continue; // someone merged `higher` meanwhile: resolve again
    }
    // Materialized once here rather than by each member's label.
    if (lower.virtual) await materializeRoot(ctx, lower);
    await relabelMembers(ctx, higher, { ...lower, virtual: false });
    return resolveCluster(ctx, lower.clusterId);
  }
  throw new ClusterContention(`merging clusters ${a} and ${b} did not settle after ${ctx.limits.maxMergeAttempts} attempts`);
}

/** A cluster's logged members and its original (an implicit member: it never logs itself), by a consistent Query. */
async function membersOf(ctx: StoreContext, root: ClusterRoot): Promise<Fingerprinted[]> {
  const logged = await queryAll(ctx, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
    ExpressionAttributeValues: { ':pk': clusterPartition(root.clusterId), ':member': KEY_PREFIXES.member },
    ConsistentRead: true,
  });
  const original: Fingerprinted = { docId: root.docId, simhash: root.simhash, sketch: root.sketch };
  const members = logged.filter((item) => item.docId !== original.docId).map((item): Fingerprinted => ({ docId: item.docId, simhash: item.simhash, sketch: item.sketch }));
  return [original, ...members];
}

async function relabelAll(ctx: StoreContext, members: Fingerprinted[], to: ClusterRoot): Promise<void> {
  await forEachLimited(members, ctx.limits.relabelConcurrency, async (member) => {
    await labelDocument(ctx, member, to);
  });
}

/** Relabel the merged cluster's members. */
async function relabelMembers(ctx: StoreContext, from: ClusterRoot, to: ClusterRoot): Promise<void> {
  await relabelAll(ctx, await membersOf(ctx, from), to);
}

/**
 * Near-duplicate candidates of a fingerprint: one single-partition consistent Query per table of the context's index
 * layout (4 bands by default), judged by the core from the band items alone. Not yet checked against the candidates'
 * documents (see liveCandidates).
 */
export async function findCandidates(ctx: StoreContext, self: Fingerprinted): Promise<Candidate[]> {
  const bands = await Promise.all(
    bandPartitions(self.simhash, ctx.indexLayout).map((pk) =>
      queryAll(ctx, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
    ),
  );
  const byDocId = new Map<string, Candidate>();
  for (const item of bands.flat()) {
    const docId = item.docId; // an attribute: the band's sort key may be a shortened docId (keys.ts)
    if (typeof docId !== 'string' || docId === self.docId || byDocId.has(docId)) continue;
    // A band item of another fingerprint version (none stored: version 1) means other features: never compared.
    if ((typeof item.fingerprintVersion === 'number' ? item.fingerprintVersion : 1) !== (self.fingerprintVersion ?? FINGERPRINT_VERSION)) continue;
    const comparison = compareFingerprints(self, { simhash: item.simhash, sketch: item.sketch }, ctx.config);
    if (comparison.nearDuplicate) byDocId.set(docId, { docId, simhash: item.simhash, sketch: item.sketch, rank: item.rank, comparison });
  }
  return [...byDocId.values()];
}

/** Candidates whose document is still recorded with the fingerprint of the band item (orphan bands never match). */
function liveCandidates(candidates: Candidate[], documents: Item[]): Item[] {
  const bandSimhash = new Map(candidates.map((candidate) => [candidate.docId, candidate.simhash]));
  return documents.filter((doc) => doc.status === 'recorded' && doc.simhash === bandSimhash.get(doc.docId) && typeof doc.clusterId === 'string');
}

/**
 * Put a recorded document (its band items already written) into the cluster of its near-duplicates, merging their
 * clusters. Idempotent: running it again on a settled document writes nothing. Returns the final root, or null when
 * the document is no longer recorded with this fingerprint. `fresh`: the document was just written as its own cluster
 * with this rank, so when no candidate shows up there is nothing more to read or write. Without `fresh` (a redelivery,
 * a repair) it also finishes merges a dead run left half done.
 */
export async function assignCluster(ctx: StoreContext, self: Fingerprinted, fresh?: { rank: string }): Promise<ClusterRoot | null> {
  const candidates = await findCandidates(ctx, self);
  if (fresh && candidates.length === 0) return { clusterId: self.docId, ...self, rank: fresh.rank, virtual: true };
  // The document itself is read in the same consistent BatchGet as its candidates.
  const documents = await batchGetConsistent(ctx, [self, ...candidates].map((entry) => documentKey(entry.docId)));
  const doc = documents.find((item) => item.docId === self.docId);
  if (!doc || doc.status !== 'recorded' || doc.simhash !== self.simhash) return null;
  const live = liveCandidates(candidates, documents.filter((item) => item !== doc));

  const [first, ...others] = [...new Set([doc.clusterId as string, ...live.map((candidate) => candidate.clusterId as string)])] as [string, ...string[]];
  // mergeClusters resolves both sides itself: resolve here only when there is nothing to merge.
  let root = others.length === 0 ? await resolveCluster(ctx, first) : null;
  for (const clusterId of others) root = await mergeClusters(ctx, root?.clusterId ?? first, clusterId);
  const final = await labelDocument(ctx, self, root as ClusterRoot);
  if (!fresh) await finishMerges(ctx, [first, ...others, self.docId, ...live.map((candidate) => candidate.docId as string)], final);
  return final;
}

/**
 * A redelivery may follow a run that died halfway through relabelling a merged cluster, whose members nobody else
 * would move. The clusters that run merged were labels of this document or its candidates, or clusters these
 * documents were the originals of: the members of every one of them that redirects, and that are still recorded
 * under another label, are relabelled into `final` (idempotent: labels only move down). Reads only, unless a member
 * was left behind: one BatchGet of the roots, then per merged cluster a member Query and a BatchGet of their
 * documents (a failed conditional relabel would cost write units). Repair path only.
 */
async function finishMerges(ctx: StoreContext, clusterIds: string[], final: ClusterRoot): Promise<void> {
  const roots = await batchGetConsistent(ctx, [...new Set(clusterIds)].map((clusterId) => clusterKey(clusterId)));
  for (const root of roots) {
    if (root.mergedInto === undefined) continue;
    for (const merged of (await redirectChain(ctx, root.clusterId as string)).mergedAway) {
      const members = await membersOf(ctx, merged);
      const documents = await batchGetConsistent(ctx, members.map((member) => documentKey(member.docId)));
      const behind = new Set(documents.filter((doc) => doc.status === 'recorded' && doc.clusterId !== final.clusterId).map((doc) => doc.docId));
      await relabelAll(ctx, members.filter((member) => behind.has(member.docId)), final);
    }
  }
}
