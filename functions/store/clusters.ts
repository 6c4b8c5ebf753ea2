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
 * - Every page writes its band items BEFORE querying the bands (consistent reads), so of two concurrent
 *   near-duplicates at least one sees the other's band item.
 * - A page whose key has no document (the common case) writes its document LAST (documents.ts recordFresh), with the
 *   label decided before (placeFresh): its own cluster (`alone`), or the one cluster of its near-duplicates when
 *   that cluster's original ranks first (`join`: root record, then member log, then the document Put, then the root
 *   re-read of step (3); a merge whose relabel found no document yet wrote its redirect before, so (3) sees it).
 *   Otherwise (`merge`) it puts its document first, as its own cluster, and clusters as any page with a document.
 *   The Put carries `settled` (the run's work is done once it lands), so a redelivery reads one item, plus the root
 *   its label names (a merge may have raced the Put).
 * - With documents last, a page can find a band item whose document is not there: a PENDING page. Nobody waits for
 *   it; it gets a JOIN HINT at its document key (hintPending, condition: no document yet), which makes its document
 *   Put fail (the Put requires the hint count it decided with) so it decides again with the hinting page. A page with
 *   a document hints every pending page it finds: the pending page then reads this one's document, or (its Put came
 *   first, the hint fails) this one reads its. A page without a document hints pending pages of a higher docId, and
 *   turns to `merge` (document first) when one of a lower docId is pending: so of any two pages that find each other
 *   pending, the lower docId's Put is failed by the higher's hint only after the higher's document exists, and every
 *   chain of re-decisions ends (the lowest of a burst decides without waiting; docIds are totally ordered). Band
 *   items carry their write time: one whose document never came within pendingAgeOutMs is an orphan, hinted no more.

 * - Date verdicts (verdicts.ts) ride on the labels. A member's `earlier-copy` verdict is a pure function
 *   f(member's dating, dating of the root its label names). (i) The member's dating is fixed for its content (the
 *   label update is conditional on the simhash; member log items and roots carry the dating the labeller had).
 *   (ii) A root's dating is fixed once the cluster exists: it is its original's, whether read from the document (no
 *   root record yet) or from the root record, which copies it when first written (attribute_not_exists / if_not_exists,
 *   never overwritten). (iii) The verdict is written only by the conditional update that moves the label (and by the
 *   document Put, which makes the page its own original: f = no `earlier-copy`). So at every instant a document's
 *   stored verdict is f(dating, root of its stored label), and when labels have converged to the final root, so
 *   have verdicts: the same argument, no extra write and no extra read. A redelivery whose label does not move
 *   writes nothing, and its verdict is already f(final root).
 * - An original that leaves (deleted, or rejected on an overwrite) no longer defines (ii): its cluster keeps its name
 *   and rank, and its members are judged against the earliest LIVE member (recorded, labelled with the cluster), the
 *   root's `reference`, a versioned register (referenceVersion, compare-and-set; version 0 = the original). Every
 *   writer that changes the live set re-judges the cluster after its own write (rejudgeCluster): the deleter of the
 *   member currently judged against (memberLeft), and whoever labels a document into a cluster that has a reference
 *   (its step (3) re-read of the root tells it; a merge's relabels are covered by the one re-judge at the end of
 *   assignCluster). A re-judge pass reads root (v), member log and documents consistently; if the earliest live member
 *   is not the reference it CASes v -> v+1 and reads again, and writes verdicts only after a pass found its reference
 *   still right. So the last CAS is validated by a pass whose reads follow it: a member that left before those reads
 *   is seen gone; one that left after re-judges itself if it was the reference (its root read follows its write,
 *   hence sees the CAS); one that joined before is in the member log (appended in (2), before its root read in (3)),
 *   one that joined after re-judges itself. Verdict writes are conditional on the label still naming the cluster
 *   and on a lower verdictVersion (a label write records the version it judged against), so a late writer never
 *   puts back an older verdict, and a member whose label write raced a CAS is caught by that same validation.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { compareFingerprints, FINGERPRINT_VERSION } from '../core/fingerprint.ts';
import { hammingDistanceHex } from '../core/simhash.ts';
import type { Comparison } from '../core/types.ts';
import { attempt, batchGetConsistent, forEachLimited, getConsistent, queryAll, writeIf, type Item, type StoreContext } from './dynamo.ts';
import { ClusterContention, ClusterRootMissing, StoreError } from './errors.ts';
import {
  clusterRootItemFor,
  encodeStoredSketch,
  joinHintAdding,
  memberItemFor,
  readBandItem,
  readClusterRootItem,
  readDocumentItem,
  readMemberItem,
  updateSetting,
  type ClusterRootItem,
  type DocumentItem,
  type ItemInput,
  type StoredItemOf,
} from './items.ts';
import { bandPartitions, clusterKey, clusterPartition, documentKey, ITEM_ABSENT, ITEM_EXISTS, itemIdentity, lookupBandPartitions, partitionQuery, sortKeyOf, type ItemKey } from './keys.ts';
import { INDEXES, KEY_PREFIXES } from './schema.ts';
import { datingOfItem, datingOfRecord, encodeDating, verdictAttributes, verdictInCluster, type Dating, type VerdictAttributes } from './verdicts.ts';

/** What a document contributes to clustering: enough to compare it without reading its page again. */
export interface Fingerprinted {
  docId: string;
  simhash: string;
  sketch: string;
  /** FINGERPRINT_VERSION of simhash and sketch; candidates of another version are never compared (absent: the current one). */
  fingerprintVersion?: number;
  /** The SimHash bits nearest their threshold (core Fingerprint.weakBits): the lookup probes them. Absent when read back from the table. */
  weakBits?: readonly number[];
}

/** A document as labels and member logs carry it: its fingerprint and what its date verdicts need (verdicts.ts). */
export interface Member extends Fingerprinted {
  dating: Dating;
}

/**
 * Who a cluster's members are judged against once its original is gone (deleted): its earliest live member. Absent
 * while the original is recorded. `version` counts the changes (compare-and-set on the root record).
 */
export interface VerdictReference {
  docId: string;
  rank: string;
  dating: Dating;
  version: number;
}

export interface ClusterRoot extends Member {
  /** = docId of the original. */
  clusterId: string;
  rank: string;
  /** Set once the original was deleted (see rejudgeCluster). */
  reference?: VerdictReference;
  /** True when the root has no record yet: an unmerged cluster, described by its original's document. */
  virtual?: boolean;
  /** The original's contentHash, which its root record carries (queries.ts exactDuplicates); absent on roots written before it. */
  contentHash?: string;
}

export interface Candidate extends Fingerprinted {
  rank: string;
  comparison: Comparison;
}

/**
 * A cluster's root record, as the first label towards the cluster writes it: also its original's byCluster entry,
 * with the original's contentHash (exact copies are the cluster's entries with it).
 */
export function clusterRootItem(root: ClusterRoot): StoredItemOf<'clusterRoot'> {
  return clusterRootItemFor({
    clusterId: root.clusterId,
    docId: root.docId,
    rank: root.rank,
    simhash: root.simhash,
    sketch: root.sketch,
    dating: encodeDating(root.dating),
    ...(root.contentHash === undefined ? {} : { contentHash: root.contentHash }),
  });
}

/**
 * Items the caller has just read consistently, by key (`null`: read, and missing), so that a root or document whose
 * answer is already known is not read again (assignCluster reads its candidates' roots with their documents).
 */
type KnownItems = Map<string, Item | null>;

/** The items known under `keys` (none for a key not read, or read and missing). */
function knownOf(known: KnownItems | undefined, keys: ItemKey[]): Item[] {
  return keys.flatMap((key) => {
    const item = known?.get(itemIdentity(key));
    return item ? [item] : [];
  });
}

/** The items of a consistent BatchGet of `keys`, as KnownItems (a key not returned is missing). */
function knownItems(keys: ItemKey[], found: Item[]): KnownItems {
  const known: KnownItems = new Map(keys.map((key) => [itemIdentity(key), null]));
  for (const item of found) known.set(itemIdentity(item), item);
  return known;
}

/** The root record, or (none written yet) the cluster's unmerged root read from its original's recorded document. */
async function readRoot(ctx: StoreContext, clusterId: string, known?: KnownItems): Promise<ClusterRootItem> {
  const keys = [clusterKey(clusterId), documentKey(clusterId)];
  const knownRoot = known?.get(itemIdentity(keys[0]!));
  const needed = knownRoot ? [] : keys.filter((key) => !known?.has(itemIdentity(key)));
  const found = [...knownOf(known, keys), ...(needed.length > 0 ? await batchGetConsistent(ctx, needed) : [])];
  const root = found.find((item) => sortKeyOf(item) === KEY_PREFIXES.clusterSort);
  if (root) return readClusterRootItem(root);
  const foundDocument = found.find((item) => sortKeyOf(item) === KEY_PREFIXES.documentSort);
  const doc = readDocumentItem(foundDocument);
  if (doc?.status !== 'recorded' || typeof doc.simhash !== 'string' || typeof doc.rank !== 'string' || typeof doc.sketch !== 'string') {
    throw new ClusterRootMissing(`cluster ${clusterId} has no root record and its document is ${doc ? String(doc.status) : 'missing'}`);
  }
  const { contentHash } = doc;
  const unmerged = { clusterId, docId: clusterId, rank: doc.rank, simhash: doc.simhash, sketch: doc.sketch, dating: encodeDating(datingOfItem(foundDocument!)), ...(contentHash === undefined ? {} : { contentHash }), virtual: true as const };
  // A page that joined a cluster with its document Put (documents.ts recordFresh) never had a cluster of its own:
  // its name leads where its label does (a lower rank, as a redirect would).
  return doc.clusterId !== undefined && doc.clusterId !== clusterId ? { ...unmerged, mergedInto: doc.clusterId } : unmerged;
}

function referenceOf(item: ClusterRootItem | undefined): VerdictReference | undefined {
  const reference = item?.reference;
  return reference ? { docId: reference.docId, rank: reference.rank, dating: datingOfRecord(reference), version: item.referenceVersion ?? 0 } : undefined;
}

function toRoot(item: ClusterRootItem): ClusterRoot {
  const root: ClusterRoot = { clusterId: item.clusterId, docId: item.docId, rank: item.rank, simhash: item.simhash, sketch: item.sketch, dating: datingOfRecord(item) };
  const reference = referenceOf(item);
  if (reference) root.reference = reference;
  if (item.contentHash !== undefined) root.contentHash = item.contentHash;
  return item.virtual === true ? { ...root, virtual: true } : root;
}

/** What members of `root` are judged against: its original, or its earliest live member once the original is gone. */
export function judgedAgainst(root: ClusterRoot): VerdictReference {
  return root.reference ?? { docId: root.docId, rank: root.rank, dating: root.dating, version: 0 };
}

/** Follow redirects from a cluster: the roots merged away on the way (the first is the cluster itself, if merged), and the current root. */
async function redirectChain(ctx: StoreContext, clusterId: string, known?: KnownItems): Promise<{ mergedAway: ClusterRoot[]; root: ClusterRoot }> {
  const mergedAway: ClusterRoot[] = [];
  let item = await readRoot(ctx, clusterId, known);
  for (let hop = 0; item.mergedInto !== undefined; hop++) {
    if (hop >= ctx.limits.maxRedirectHops) throw new StoreError(`cluster ${clusterId}: redirect chain longer than ${hop} hops`);
    mergedAway.push(toRoot(item));
    item = await readRoot(ctx, item.mergedInto, known);
  }
  return { mergedAway, root: toRoot(item) };
}

/** Follow redirects to the cluster's current root. */
export async function resolveCluster(ctx: StoreContext, clusterId: string, known?: KnownItems): Promise<ClusterRoot> {
  return (await redirectChain(ctx, clusterId, known)).root;
}

/**
 * Before an unmerged cluster gains its first other member: its root record, so that the cluster outlives its original.
 * The root is also the original's entry in byCluster (clusterPk, and the original's rank as sort key): a page alone
 * is in no byCluster entry (one index write less per unique page), and the original's document is not rewritten when
 * a first copy joins. A merge takes the root out of byCluster (its original is then labelled into the other cluster).
 */
async function materializeRoot(ctx: StoreContext, root: ClusterRoot): Promise<void> {
  // Not written: written meanwhile, maybe with its redirect, and never overwritten.
  await writeIf(ctx, 'PutItem root', { put: { Item: clusterRootItem(root), ConditionExpression: ITEM_ABSENT } });
}

function compareWithRoot(ctx: StoreContext, member: Fingerprinted, root: ClusterRoot): Pick<Comparison, 'distance' | 'similarity'> {
  if (member.docId === root.docId) return { distance: 0, similarity: 1 };
  return compareFingerprints(member, root, ctx.config);
}

/** Label `member` with `root` (only if that lowers its cluster), then follow any redirect that appeared meanwhile. */
export async function labelDocument(ctx: StoreContext, member: Member, root: ClusterRoot): Promise<ClusterRoot> {
  let target = root;
  for (let hop = 0; hop < ctx.limits.maxRedirectHops; hop++) {
    if (target.virtual && target.clusterId !== member.docId) await materializeRoot(ctx, target);
    // No change (already in this or a lower cluster, or no longer this content): whoever set that label logs it.
    if (!(await setLabel(ctx, member, target))) return target;
    await attempt('PutItem member', () => ctx.db.send(putMember(ctx, target.clusterId, member)));
    // A missing root record is a root without a redirect (a merge creates it with its redirect).
    const stored = await getConsistent(ctx, clusterKey(target.clusterId));
    const rootItem = stored && readClusterRootItem(stored);
    const redirect = rootItem?.mergedInto;
    // Its verdict reference as of now: the caller re-judges the cluster if its original is gone (rejudgeCluster).
    if (redirect === undefined) return referenceOf(rootItem) ? { ...target, reference: referenceOf(rootItem) } : target;
    target = await resolveCluster(ctx, redirect);
  }
  throw new StoreError(`labelling ${member.docId}: redirect chain longer than ${ctx.limits.maxRedirectHops} hops`);
}

function putMember(ctx: StoreContext, clusterId: string, member: Member): UpdateCommand {
  // An update rather than a put: same effect, and it never replaces anything but these attributes.
  const item = memberItemFor(clusterId, { docId: member.docId, simhash: member.simhash, sketch: member.sketch, dating: encodeDating(member.dating) });
  return new UpdateCommand({ TableName: ctx.table, ...updateSetting(item) });
}

/** True when the label moved to `root`. The date verdict against the root's original moves with it, in the same write. */
async function setLabel(ctx: StoreContext, member: Member, root: ClusterRoot): Promise<boolean> {
  // The index's sort key is the document's own rank (schema.ts): only the partition moves.
  const update = documentUpdate(member.docId, { ...labelOf(ctx, member, root), updatedAt: ctx.now() });
  const label = await writeIf(ctx, 'UpdateItem label', {
    update: {
      ...update,
      // Only a recorded document with this very content, and only towards a lower-ranked cluster (min register).
      // A document still in its own first cluster has no clusterRank: its own rank stands for it.
      ConditionExpression:
        '#status = :recorded AND simhash = :simhash AND (clusterRank > :clusterRank OR ' +
        '(attribute_not_exists(clusterRank) AND (attribute_not_exists(#rank) OR #rank > :clusterRank)))',
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status', '#rank': 'rank' },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':recorded': 'recorded', ':simhash': member.simhash, ':clusterRank': root.rank },
    },
  });
  return label.written; // not written: already in this or a lower cluster, or the document was overwritten / deleted meanwhile
}

/**
 * An UpdateItem of a document's attributes (items.ts updateSetting): SET each defined one, REMOVE each one `attributes`
 * names as undefined (a label or verdict attribute the document must not keep).
 */
function documentUpdate(docId: string, attributes: Readonly<Record<string, unknown>>): ReturnType<typeof updateSetting> {
  const removed = Object.keys(attributes).filter((name) => attributes[name] === undefined);
  return updateSetting({ ...documentKey(docId), ...attributes }, removed);
}

/**
 * Merge the clusters of `a` and `b` into the lower-ranked root; returns that root as the merge found it (a later
 * redirect is followed by whoever labels into it: labelDocument's step (3)). `labelled`: where the relabelled members'
 * labels ended, so that the caller does not label one of them again (a conditional write that fails costs units).
 * `known`: what the caller just read, for the first attempt (one that lost a race reads again).
 */
export async function mergeClusters(ctx: StoreContext, a: string, b: string, labelled?: Map<string, ClusterRoot>, known?: KnownItems): Promise<ClusterRoot> {
  for (let attemptNo = 0; attemptNo < ctx.limits.maxMergeAttempts; attemptNo++) {
    const fresh = attemptNo === 0 ? known : undefined;
    const [rootA, rootB] = await Promise.all([resolveCluster(ctx, a, fresh), resolveCluster(ctx, b, fresh)]);
    if (rootA.clusterId === rootB.clusterId) return rootA;
    const [lower, higher] = rootA.rank < rootB.rank ? [rootA, rootB] : [rootB, rootA];
    const redirect = await writeIf(ctx, 'UpdateItem redirect', {
      update: {
        Key: clusterKey(higher.clusterId),
        // Creates the root record when the cluster had none (unmerged): write-once either way.
        UpdateExpression:
          'SET mergedInto = :lower, mergedRank = :lowerRank, mergedAt = :now, clusterId = :higher, docId = if_not_exists(docId, :higher), ' +
          '#rank = if_not_exists(#rank, :higherRank), simhash = if_not_exists(simhash, :simhash), sketch = if_not_exists(sketch, :sketch), ' +
          // Merged, it is no longer its original's byCluster entry (materializeRoot): the original's relabel below
          // gives its document one.
          `dating = if_not_exists(dating, :dating) REMOVE ${INDEXES.byCluster.partitionKey}`,
        ConditionExpression: 'attribute_not_exists(mergedInto)',
        ExpressionAttributeNames: { '#rank': 'rank' },
        ExpressionAttributeValues: {
          ':lower': lower.clusterId,
          ':lowerRank': lower.rank,
          ':now': ctx.now(),
          ':higher': higher.clusterId,
          ':higherRank': higher.rank,
          ':simhash': higher.simhash,
          ':sketch': encodeStoredSketch(higher.sketch),
          ':dating': encodeDating(higher.dating),
        },
      },
    });
    if (!redirect.written) continue; // someone merged `higher` meanwhile: resolve again
    // Materialized once here rather than by each member's label.
    if (lower.virtual) await materializeRoot(ctx, lower);
    const merged = { ...lower, virtual: false };
    await relabelMembers(ctx, higher, merged, labelled);
    return merged;
  }
  throw new ClusterContention(`merging clusters ${a} and ${b} did not settle after ${ctx.limits.maxMergeAttempts} attempts`);
}

/** A cluster's logged members and its original (an implicit member: it never logs itself), by a consistent Query. */
async function membersOf(ctx: StoreContext, root: ClusterRoot): Promise<Member[]> {
  const logged = await queryAll(ctx, { ...partitionQuery(clusterPartition(root.clusterId), KEY_PREFIXES.member), ConsistentRead: true });
  const original: Member = { docId: root.docId, simhash: root.simhash, sketch: root.sketch, dating: root.dating };
  const members = logged
    .map(readMemberItem)
    .filter((item) => item.docId !== original.docId)
    .map((item): Member => ({ docId: item.docId, simhash: item.simhash, sketch: item.sketch, dating: datingOfRecord(item) }));
  return [original, ...members];
}

/** Label every member with `to`; `labelled` learns where each label ended (the root labelDocument returned). */
async function relabelAll(ctx: StoreContext, members: Member[], to: ClusterRoot, labelled?: Map<string, ClusterRoot>): Promise<void> {
  await forEachLimited(members, ctx.limits.relabelConcurrency, async (member) => {
    const root = await labelDocument(ctx, member, to);
    labelled?.set(member.docId, root);
  });
}

/** Relabel the merged cluster's members. */
async function relabelMembers(ctx: StoreContext, from: ClusterRoot, to: ClusterRoot, labelled?: Map<string, ClusterRoot>): Promise<void> {
  await relabelAll(ctx, await membersOf(ctx, from), to, labelled);
}

/**
 * A band item within the decision's SimHash distance: a candidate until its document's sketch is compared. A page
 * named by a join hint (no band item read) has no simhash here: its document's is compared.
 */
interface BandMatch {
  docId: string;
  simhash?: string;
  /** When the band item was written (absent on items written before pages wrote their bands before their documents). */
  writtenAt?: string;
}

/**
 * The band items near a fingerprint: one single-partition consistent Query per table of the context's index layout,
 * plus one per probed weak bit (4 bands and up to 4 probes by default), kept when of the same fingerprint version and
 * within the decision's SimHash distance (the first half of compareFingerprints). Band items carry no sketch: the
 * second half, the sketch comparison, is made on the candidates' documents (judgeCandidates).
 */
async function bandMatches(ctx: StoreContext, self: Fingerprinted): Promise<BandMatch[]> {
  // The partitions this page writes are read strongly consistently: of two pages that share one (every pair within 3
  // bits, by pigeonhole), one sees the other's band item (the convergence argument above). A probe reads a partition
  // the page does not write, so the page it finds there probes the page back only when their weakest bits agree:
  // probe-only pairs had no such guarantee, and probes are read eventually consistent (half the read units).
  const written = new Set(bandPartitions(self.simhash, ctx.indexLayout));
  const bands = await Promise.all(
    lookupBandPartitions(self.simhash, self.weakBits, ctx.indexLayout).map((partition) => queryAll(ctx, { ...partitionQuery(partition), ConsistentRead: written.has(partition) })),
  );
  const byDocId = new Map<string, BandMatch>();
  for (const item of bands.flat().map(readBandItem)) {
    const docId = item.docId; // the band's sort key may be a shortened docId (keys.ts): then the item carries it
    if (docId === self.docId || byDocId.has(docId)) continue;
    // A band item of another fingerprint version (none stored: version 1) means other features: never compared.
    if ((item.fingerprintVersion ?? 1) !== (self.fingerprintVersion ?? FINGERPRINT_VERSION)) continue;
    if (hammingDistanceHex(self.simhash, item.simhash) <= ctx.config.maxDistance) byDocId.set(docId, { docId, simhash: item.simhash, writtenAt: item.writtenAt });
  }
  return [...byDocId.values()];
}

/**
 * Near-duplicate candidates of a fingerprint: the band matches whose documents are still recorded with the band's
 * fingerprint (orphan bands never match), judged by the core with the documents' sketches. One consistent BatchGet.
 */
export async function findCandidates(ctx: StoreContext, self: Fingerprinted): Promise<Candidate[]> {
  const matches = await bandMatches(ctx, self);
  if (matches.length === 0) return [];
  const documents = await batchGetConsistent(ctx, matches.map((match) => documentKey(match.docId)));
  return judgeCandidates(ctx, self, matches, documents).map(({ docId, simhash, sketch, rank, comparison }) => ({ docId, simhash, sketch, rank, comparison }));
}

/** The documents of band matches still recorded with the band item's fingerprint, and near-duplicates of `self` by the core's decision. */
function judgeCandidates(ctx: StoreContext, self: Fingerprinted, matches: BandMatch[], documents: Item[]): (LabelledDocument & Candidate)[] {
  const bandSimhash = new Map(matches.map((match) => [match.docId, match.simhash]));
  return documents.flatMap((item) => {
    const doc = readLabelledDocument(item);
    if (!doc || !bandSimhash.has(doc.docId)) return [];
    // Recorded with the band's fingerprint (an overwritten document's old bands are orphans); a hinted page has no band here.
    const expected = bandSimhash.get(doc.docId);
    if (expected !== undefined && doc.simhash !== expected) return [];
    const comparison = compareFingerprints(self, doc, ctx.config);
    return comparison.nearDuplicate ? [{ ...doc, comparison }] : [];
  });
}

/**
 * A recorded page's document that names its cluster, typed with what clustering compares and ranks (every recorded
 * page is written with these, documents.ts WrittenDocumentItem): undefined for any other item at a document key.
 */
type LabelledDocument = DocumentItem & { status: 'recorded'; clusterId: string; simhash: string; sketch: string; rank: string };

function readLabelledDocument(stored: Item): LabelledDocument | undefined {
  const doc = readDocumentItem(stored);
  if (doc?.status !== 'recorded') return undefined;
  const { clusterId, simhash, sketch, rank } = doc;
  return clusterId !== undefined && simhash !== undefined && sketch !== undefined && rank !== undefined ? { ...doc, status: 'recorded', clusterId, simhash, sketch, rank } : undefined;
}

/**
 * Band matches with no document at their key (none, or only a join hint), not aged out: pages between their band
 * write and their document Put (documents.ts recordFresh), which must learn of the caller (hintPending). A match with
 * no write time was written by a run that wrote its document first: without a document it is an orphan.
 */
function pendingMatches(ctx: StoreContext, matches: BandMatch[], known: KnownItems): BandMatch[] {
  const now = Date.parse(ctx.now());
  return matches.filter((match) => {
    if (readDocumentItem(known.get(itemIdentity(documentKey(match.docId))) ?? undefined)) return false;
    return match.writtenAt !== undefined && now - Date.parse(match.writtenAt) < ctx.limits.pendingAgeOutMs;
  });
}

/**
 * Make sure `self` and each pending match end up knowing each other, with nobody waiting: a join hint at its key
 * (only while it has no document), which makes its document Put fail, so that it decides again knowing `self`
 * (documents.ts recordFresh). Every hint counts: one written after `self`'s document exists makes the other read it.
 * A hint that fails found its document: put into `known`, for the caller to judge like any candidate's.
 * `hintsGiven`: pages hinted already in this phase of the run (not hinted twice).
 */
async function hintPending(ctx: StoreContext, self: Fingerprinted, pending: BandMatch[], known: KnownItems, hintsGiven: Set<string> = new Set()): Promise<void> {
  for (const match of pending.filter((candidate) => !hintsGiven.has(candidate.docId))) {
    hintsGiven.add(match.docId);
    const hinted = await writeIf(ctx, 'UpdateItem join hint', {
      // Every document has a sequencerKey; a join hint has none.
      update: { ...joinHintAdding(match.docId, self.docId), ConditionExpression: 'attribute_not_exists(sequencerKey)' },
    });
    const document = hinted.written ? undefined : await getConsistent(ctx, documentKey(match.docId));
    if (document) known.set(itemIdentity(document), document);
  }
}

/**
 * One consistent BatchGet of the documents of `docIds` and the root records of their own clusters (most pages are the
 * originals of theirs, which a join or a merge reads next), as KnownItems.
 */
async function readDocumentsAndRoots(ctx: StoreContext, docIds: readonly string[]): Promise<KnownItems> {
  const keys = [...docIds.map(documentKey), ...docIds.map(clusterKey)];
  return knownItems(keys, await batchGetConsistent(ctx, keys));
}

/**
 * Where a page goes whose band items are written and whose document is not (a key never recorded: placeFresh's
 * caller writes its document last, with the label decided here):
 * - `alone`: no live near-duplicate; its own cluster.
 * - `join`: its near-duplicates are all in one cluster whose original ranks before it (the common repost): joinFresh
 *   makes the cluster ready (root record, member log), the document Put carries the label (labelOf), confirmJoin
 *   follows a merge that raced it.
 * - `merge`: anything else (several clusters, or it ranks first): its document is put as its own cluster and
 *   assignCluster merges, as for any document written before its bands.
 * `hinted`: pages that left a join hint at its key (they found its bands before its document); the document Put
 * checks that no other came (a new hint fails it: decide again). `hintsGiven`: pages this run has hinted already (a
 * decision made again does not hint them again). Reads, plus join hints (hintPending); never waits.
 */
export type FreshPlacement = { kind: 'alone' } | { kind: 'join'; root: ClusterRoot } | { kind: 'merge' };

export async function placeFresh(ctx: StoreContext, self: Member, rank: string, hinted: readonly string[] = [], hintsGiven?: Set<string>): Promise<FreshPlacement> {
  const banded = await bandMatches(ctx, self);
  const fromHints = hinted.filter((docId) => docId !== self.docId && !banded.some((match) => match.docId === docId));
  // A hinting page wrote its bands before it hinted: pending until its document comes (its key is read below).
  const matches: BandMatch[] = [...banded, ...fromHints.map((docId) => ({ docId, writtenAt: ctx.now() }))];
  if (matches.length === 0) return { kind: 'alone' };
  const known = await readDocumentsAndRoots(ctx, matches.map((match) => match.docId));
  const pending = pendingMatches(ctx, matches, known);
  // A pending page of a lower docId: this one's document goes first (`merge`), and its clustering hints the pending
  // page after that (assignCluster), so one of the two sees the other's document. Only the lowest of a burst of
  // concurrent pages decides without a document; it hints the higher ones, whose Puts then fail.
  if (pending.some((match) => match.docId < self.docId)) return { kind: 'merge' };
  await hintPending(ctx, self, pending, known, hintsGiven);
  const live = judgeCandidates(ctx, self, matches, knownOf(known, matches.map((match) => documentKey(match.docId))));
  if (live.length === 0) return { kind: 'alone' };
  const roots = new Map<string, ClusterRoot>();
  for (const clusterId of new Set(live.map((candidate) => candidate.clusterId))) {
    const root = await resolveCluster(ctx, clusterId, known);
    roots.set(root.clusterId, root);
  }
  const [root, ...others] = roots.values();
  return root && others.length === 0 && root.rank < rank ? { kind: 'join', root } : { kind: 'merge' };
}

/** Before the document Put of a `join`: the cluster's root record (when it has none yet) and the member log entry. */
export async function joinFresh(ctx: StoreContext, self: Member, root: ClusterRoot): Promise<void> {
  if (root.virtual) await materializeRoot(ctx, root);
  await attempt('PutItem member', () => ctx.db.send(putMember(ctx, root.clusterId, self)));
}

/** A document's label and verdict attributes (setLabel writes them; a `join`'s document Put carries them). */
export type DocumentLabel = Pick<ItemInput<'document'>, 'clusterId' | 'clusterRank' | (typeof INDEXES)['byCluster']['partitionKey'] | 'isOriginal' | 'duplicateOf' | 'distance' | 'similarity'> &
  VerdictAttributes;

/**
 * A document's label in the cluster of `root`, with its verdict against whom the cluster judges (setLabel writes it;
 * a `join`'s document Put carries it). Undefined: an attribute the document must not keep.
 */
export function labelOf(ctx: StoreContext, member: Member, root: ClusterRoot): DocumentLabel {
  const { distance, similarity } = compareWithRoot(ctx, member, root);
  const isOriginal = member.docId === root.clusterId;
  const against = judgedAgainst(root);
  return {
    clusterId: root.clusterId,
    clusterRank: root.rank,
    [INDEXES.byCluster.partitionKey]: clusterPartition(root.clusterId),
    isOriginal,
    duplicateOf: isOriginal ? undefined : root.clusterId,
    distance,
    similarity,
    ...verdictAttributes(member, verdictInCluster(member, against, ctx.config), against.version),
  };
}

/**
 * After the document Put of a `join` (and on a redelivery of it): step (3) of labelDocument, on the cluster the label
 * names. A merge of the cluster whose relabel ran before the Put (and so found no document to move) wrote its
 * redirect before that: it is seen here and followed. A cluster whose original is gone is re-judged with the
 * newcomer in it. One GetItem when nothing raced; returns the final root.
 */
export async function confirmJoin(ctx: StoreContext, self: Member, clusterId: string): Promise<ClusterRoot> {
  const stored = await getConsistent(ctx, clusterKey(clusterId));
  // No record: a cluster nobody joined yet (a join writes it before the Put).
  if (!stored) return resolveCluster(ctx, clusterId);
  const rootItem = readClusterRootItem(stored);
  const final = rootItem.mergedInto !== undefined ? await labelDocument(ctx, self, await resolveCluster(ctx, rootItem.mergedInto)) : toRoot(rootItem);
  if (final.reference) await rejudgeCluster(ctx, final.clusterId);
  return final;
}

/**
 * Put a recorded document (its band items already written) into the cluster of its near-duplicates, merging their
 * clusters. Idempotent: running it again on a settled document writes nothing. Returns the final root, or null when
 * the document is no longer recorded with this fingerprint. `fresh`: the document was just written as its own cluster
 * with this rank, so when no candidate shows up there is nothing more to read or write. Without `fresh` (a redelivery,
 * a repair) it also finishes merges a dead run left half done.
 */
export async function assignCluster(ctx: StoreContext, self: Member, fresh?: { rank: string }): Promise<ClusterRoot | null> {
  const candidates = await bandMatches(ctx, self);
  if (fresh && candidates.length === 0) return { clusterId: self.docId, ...self, rank: fresh.rank, virtual: true };
  // The document itself is read in the same consistent BatchGet as its candidates and their roots.
  const known = await readDocumentsAndRoots(ctx, [self.docId, ...candidates.map((candidate) => candidate.docId)]);
  // Pages between their band write and their document Put: hinted, now that this document exists (hintPending).
  await hintPending(ctx, self, pendingMatches(ctx, candidates, known), known);
  const stored = known.get(itemIdentity(documentKey(self.docId))) ?? undefined;
  const doc = readDocumentItem(stored);
  if (!stored || !doc || doc.status !== 'recorded' || doc.simhash !== self.simhash) return null;
  if (doc.clusterId === undefined) throw new StoreError(`document ${self.docId} is recorded without a cluster`);
  const live = judgeCandidates(ctx, self, candidates, knownOf(known, candidates.map((candidate) => documentKey(candidate.docId))));
  // Band matches whose documents say no (other text within the SimHash distance, orphan bands): as with no match, a
  // fresh document still alone in its own cluster is done (a label write towards itself would only fail, at a cost).
  if (fresh && live.length === 0 && doc.clusterId === self.docId && !known.get(itemIdentity(clusterKey(self.docId)))) {
    return { clusterId: self.docId, ...self, rank: fresh.rank, virtual: true };
  }

  // The document's own cluster first (a Set keeps insertion order), then the others to merge with it.
  const [, ...others] = [...new Set([doc.clusterId, ...live.map((candidate) => candidate.clusterId)])];
  // mergeClusters resolves both sides itself: resolve here only when there is nothing to merge. What was read above
  // serves until the first merge writes.
  const labelled = new Map<string, ClusterRoot>();
  const [firstOther, ...moreOthers] = others;
  let root = firstOther === undefined ? await resolveCluster(ctx, doc.clusterId, known) : await mergeClusters(ctx, doc.clusterId, firstOther, labelled, known);
  for (const clusterId of moreOthers) root = await mergeClusters(ctx, root.clusterId, clusterId, labelled);
  // A merge of its own cluster has labelled the document already (it is that cluster's original, an implicit member).
  const final = labelled.get(self.docId) ?? (await labelDocument(ctx, self, root));
  if (!fresh) await finishMerges(ctx, [doc.clusterId, ...others, self.docId, ...live.map((candidate) => candidate.docId)], final);
  // A cluster whose original is gone: this document (or the members merged in) may be its new earliest live member.
  if (final.reference) await rejudgeCluster(ctx, final.clusterId);
  return final;
}

/**
 * Bring a cluster's verdict reference and its members' verdicts up to date after its original (or the member it is
 * judged against) left, or a member joined a cluster whose original is gone. The reference is the earliest live
 * member (recorded, labelled with the cluster): read root (version v), member log and documents consistently; if
 * the earliest differs from the reference, compare-and-set it (v -> v+1) and read everything again, until a pass finds
 * the reference it read still right (so a member that left or joined after a pass's reads is seen by the next
 * pass, or re-judges itself: every writer that changes the cluster re-judges it after its own write). Then every live
 * member judged against an older version is re-judged, conditionally (still in this cluster, version only grows).
 * Runs only for clusters whose original is gone: its reads are never paid on the common path.
 */
export async function rejudgeCluster(ctx: StoreContext, clusterId: string): Promise<void> {
  for (let attemptNo = 0; attemptNo < ctx.limits.maxMergeAttempts; attemptNo++) {
    const stored = await getConsistent(ctx, clusterKey(clusterId));
    const rootItem = stored && readClusterRootItem(stored);
    // No record: an unmerged cluster judged against its own original. Merged: its members move, and are judged, there.
    if (!rootItem || rootItem.mergedInto !== undefined) return;
    const root = toRoot(rootItem);
    const current = judgedAgainst(root);
    const members = await membersOf(ctx, root);
    const documents = await batchGetConsistent(ctx, members.map((member) => documentKey(member.docId)));
    const live = documents.flatMap((item) => readLabelledDocument(item) ?? []).filter((doc) => doc.clusterId === clusterId);
    if (live.length === 0) return;
    const earliest = live.reduce((best, doc) => (doc.rank < best.rank ? doc : best));
    if (earliest.docId !== current.docId) {
      await moveReference(ctx, clusterId, current.version, { docId: earliest.docId, rank: earliest.rank, dating: datingOfItem(earliest) });
      continue; // moved (validate: the next pass must find the same earliest member) or moved by someone else: read again
    }
    const behind = live.filter((doc) => (doc.verdictVersion ?? 0) < current.version);
    await forEachLimited(behind, ctx.limits.relabelConcurrency, async (doc) => {
      await rewriteVerdict(ctx, { docId: doc.docId, simhash: doc.simhash, sketch: doc.sketch, dating: datingOfItem(doc) }, clusterId, current);
    });
    return;
  }
  throw new ClusterContention(`re-judging cluster ${clusterId} did not settle after ${ctx.limits.maxMergeAttempts} attempts`);
}

/**
 * A document left its cluster (deleted, or rejected on overwrite): if its cluster judged its members against it (its
 * original, or the earliest member after the original went), the earliest remaining member takes over. One GetItem
 * when the document was alone (no root record) or not the reference.
 */
export async function memberLeft(ctx: StoreContext, clusterId: string, docId: string): Promise<void> {
  const stored = await getConsistent(ctx, clusterKey(clusterId));
  const rootItem = stored && readClusterRootItem(stored);
  if (!rootItem) return; // a lone document: nobody was judged against it
  let root: ClusterRoot;
  try {
    root = rootItem.mergedInto === undefined ? toRoot(rootItem) : await resolveCluster(ctx, clusterId);
  } catch (error) {
    // The merge target has no root record and its original is gone too (a merge that died before materializing it):
    // no cluster to re-judge, and failing the deletion would only dead-letter it.
    if (error instanceof ClusterRootMissing) return;
    throw error;
  }
  if (judgedAgainst(root).docId === docId) await rejudgeCluster(ctx, root.clusterId);
}

/** Compare-and-set the cluster's verdict reference from version `from` to `from + 1`; does nothing when someone else moved it. */
async function moveReference(ctx: StoreContext, clusterId: string, from: number, reference: Omit<VerdictReference, 'version'>): Promise<void> {
  // Not written: someone else moved it (or the cluster was merged) meanwhile.
  await writeIf(ctx, 'UpdateItem reference', {
    update: {
      Key: clusterKey(clusterId),
      UpdateExpression: 'SET #reference = :reference, referenceVersion = :to',
      ConditionExpression: `${ITEM_EXISTS} AND attribute_not_exists(mergedInto) AND ${from === 0 ? 'attribute_not_exists(referenceVersion)' : 'referenceVersion = :from'}`,
      ExpressionAttributeNames: { '#reference': 'reference' },
      ExpressionAttributeValues: { ':reference': { ...reference, dating: encodeDating(reference.dating) }, ':to': from + 1, ...(from === 0 ? {} : { ':from': from }) },
    },
  });
}

/** The verdict of a member still labelled with `clusterId`, against `reference`, unless it was judged against a newer one. */
async function rewriteVerdict(ctx: StoreContext, member: Member, clusterId: string, reference: VerdictReference): Promise<void> {
  const update = documentUpdate(member.docId, verdictAttributes(member, verdictInCluster(member, reference, ctx.config), reference.version));
  // Not written: moved on, deleted, or judged against a newer reference meanwhile.
  await writeIf(ctx, 'UpdateItem verdict', {
    update: {
      ...update,
      ConditionExpression: '#status = :recorded AND clusterId = :clusterId AND simhash = :simhash AND (attribute_not_exists(verdictVersion) OR verdictVersion < :verdictVersion)',
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':recorded': 'recorded', ':clusterId': clusterId, ':simhash': member.simhash, ':verdictVersion': reference.version },
    },
  });
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
  for (const root of roots.map(readClusterRootItem)) {
    if (root.mergedInto === undefined) continue;
    for (const merged of (await redirectChain(ctx, root.clusterId)).mergedAway) {
      const members = await membersOf(ctx, merged);
      const documents = await batchGetConsistent(ctx, members.map((member) => documentKey(member.docId)));
      const behind = new Set(documents.filter((doc) => doc.status === 'recorded' && doc.clusterId !== final.clusterId).map((doc) => doc.docId));
      await relabelAll(ctx, members.filter((member) => behind.has(member.docId)), final);
    }
  }
}
