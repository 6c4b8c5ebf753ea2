/** The write verbs for one S3 object: record (analyzed), reject (never analyzable), delete. Ordered by S3 sequencer. */
import type { InputRejected } from '../core/errors.ts';
import type { PageAnalysis } from '../core/types.ts';
import { assignCluster, clusterRootItem, confirmJoin, joinFresh, judgedAgainst, labelOf, memberLeft, placeFresh, type ClusterRoot, type Fingerprinted, type Member } from './clusters.ts';
import { batchGetConsistent, batchWrite, getConsistent, getEventual, writeIf, type Item, type StoreContext } from './dynamo.ts';
import { ClusterContention } from './errors.ts';
import { BAND_LAYOUT, BANDS_8_LAYOUT, type IndexLayout } from './index-layout.ts';
import {
  bandKeys,
  clusterKey,
  documentIdFor,
  documentKey,
  firstSeenOf,
  INDEX_KEY_ATTRIBUTES,
  indexKeyAttributes,
  keyOf,
  itemIdentity,
  type ItemKey,
  mismatchSortKey,
  rankOf,
  sequencerKey,
} from './keys.ts';
import {
  bandItemFor,
  bandItemsFor,
  documentItemFor,
  isJoinHint,
  JOIN_HINT_ATTRIBUTES,
  readDocumentItem,
  readJoinHint,
  type DocumentItem,
  type JoinHintItem,
  type StoredItemOf,
  type WrittenDocumentItem,
} from './items.ts';
import { fitItem } from './limits.ts';
import { INDEXES, KEY_PREFIXES } from './schema.ts';
import type { ObjectRef, RecordOutcome } from './types.ts';
import { datingOfItem, verdictInCluster, type DatingAttributes } from './verdicts.ts';

/** Attributes every document item of an object carries, whatever its status or kind (page, rejected, revisit). */
export function objectAttributes(ref: ObjectRef, docId: string): Required<Pick<ObjectRef, 'bucket' | 'key'>> & Omit<ObjectRef, 'bucket' | 'key' | 'docId' | 'eventTime'> & { docId: string; sequencerKey: string } {
  return {
    docId,
    bucket: ref.bucket,
    key: ref.key,
    versionId: ref.versionId,
    eTag: ref.eTag,
    sequencer: ref.sequencer,
    sequencerKey: sequencerKey(ref.sequencer),
    size: ref.size,
    contentType: ref.contentType,
    // Only records inside a container object have these (undefined attributes are not written).
    recordId: ref.recordId,
    captureDate: ref.captureDate,
    url: ref.url,
  };
}

/** Newer-event guard for writes that replace the document. */
// Every document has a sequencerKey; a join hint (clusters.ts hintPending) has none, and is replaced like no item.
const NEWER_EVENT = 'attribute_not_exists(sequencerKey) OR sequencerKey < :sequencerKey';

/**
 * Deletes of the band items a stored document has in `layouts`. None for a document that is not an indexed page: not
 * recorded, or a revisit (it carries its original's simhash but never has band items of its own).
 */
function bandDeletes(prior: DocumentItem | undefined, layouts: IndexLayout[]): { delete: ItemKey }[] {
  return layouts.flatMap((layout) => bandKeysOf(prior, layout)).map((key) => ({ delete: key }));
}

/** The band keys a stored document has in `layout` (see bandDeletes). */
function bandKeysOf(stored: DocumentItem | undefined, layout: IndexLayout): ItemKey[] {
  if (stored?.status !== 'recorded' || stored.kind === 'revisit' || stored.simhash === undefined) return [];
  return bandKeys(stored.simhash, stored.docId, layout);
}

/** Deletes of the band items `self` wrote that the stored document (`stored`, of the same key) does not have. */
function bandDeletesOf(self: Fingerprinted, stored: DocumentItem | undefined, layout: IndexLayout): { delete: ItemKey }[] {
  const kept = new Set(bandKeysOf(stored, layout).map(itemIdentity));
  return bandKeys(self.simhash, self.docId, layout)
    .filter((key) => !kept.has(itemIdentity(key)))
    .map((key) => ({ delete: key }));
}

/** The document `prior` was replaced (overwritten, rejected, deleted, turned into a revisit): its band items must not match anything any more. */
export async function removeBands(ctx: StoreContext, prior: DocumentItem | undefined): Promise<void> {
  await batchWrite(ctx, bandDeletes(prior, [ctx.indexLayout]));
}

function recordedOutcome(ctx: StoreContext, self: Member, root: ClusterRoot | null, outcome: 'recorded' | 'unchanged' | 'reindexed'): RecordOutcome {
  const docId = self.docId;
  if (!root) return { docId, outcome: 'stale' }; // overwritten or deleted while we clustered: the newer event wins
  const isOriginal = root.clusterId === docId;
  // The verdict in the cluster this run left the document in (a later merge may still change it, in the store).
  const { kinds } = verdictInCluster(self, judgedAgainst(root), ctx.config);
  return { docId, outcome, clusterId: root.clusterId, isOriginal, duplicateOf: isOriginal ? undefined : root.clusterId, dateMismatch: kinds.length > 0, mismatchKinds: kinds };
}

/**
 * The recorded document item: its own cluster until clustering says otherwise (no clusterRank: its rank stands for it).
 * Alone it is in no byCluster entry (its cluster's root record stands for it there once a copy joins, clusters.ts
 * materializeRoot).
 */
function documentItem(ref: ObjectRef, analysis: PageAnalysis, docId: string, firstSeen: string, now: string): WrittenDocumentItem {
  const rank = rankOf(analysis, firstSeen, docId);
  return documentItemFor({
    ...objectAttributes(ref, docId),
    status: 'recorded',
    title: analysis.title,
    canonicalUrl: analysis.canonicalUrl,
    kind: analysis.kind,
    charset: analysis.charset,
    mainTextChars: analysis.mainTextChars,
    fingerprintVersion: analysis.fingerprintVersion,
    extraction: analysis.extraction,
    simhash: analysis.simhash,
    contentHash: analysis.contentHash,
    sketch: analysis.sketch,
    claimedDate: analysis.claimedDate,
    contentDates: analysis.contentDates,
    dateMismatch: analysis.dateMismatch,
    dateGapDays: analysis.dateGapDays,
    dateEvidence: analysis.dateEvidence,
    rank,
    firstSeen,
    updatedAt: now,
    clusterId: docId,
    isOriginal: true,
    distance: 0,
    similarity: 1,
    // Its own cluster: only the `content` kind can hold yet (an `earlier-copy` verdict comes with a label, verdicts.ts).
    ...(analysis.dateMismatch ? { mismatchKinds: ['content'], ...indexKeyAttributes(INDEXES.mismatches, KEY_PREFIXES.mismatch, mismatchSortKey(firstSeen, docId)) } : {}),
  });
}

/** Put `item` under `condition`; false when the condition failed. */
async function putDocument(ctx: StoreContext, item: Item, condition: string, values?: Item): Promise<boolean> {
  const put = await writeIf(ctx, 'PutItem document', {
    put: { Item: fitItem(item, ctx.limits.maxItemBytes), ConditionExpression: condition, ExpressionAttributeValues: values },
  });
  return put.written;
}

export async function recordDocument(ctx: StoreContext, ref: ObjectRef, analysis: PageAnalysis): Promise<RecordOutcome> {
  const docId = ref.docId ?? documentIdFor(ref.bucket, ref.key);
  const seqKey = sequencerKey(ref.sequencer);
  const now = ctx.now();
  /** Same bytes as `prior` (same fingerprint, of the same version). */
  const isSameContent = (prior: DocumentItem): boolean =>
    prior.status === 'recorded' && prior.contentHash === analysis.contentHash && prior.simhash === analysis.simhash && storedVersion(prior) === analysis.fingerprintVersion;

  // The first read, eventually consistent: most keys were never seen, and a redelivery of an event whose run settled
  // its document ends here. Anything else it shows is read again consistently before it is relied on.
  const seen = await getEventual(ctx, documentKey(docId));
  const seenDocument = readDocumentItem(seen);
  if (seenDocument?.settled === true && seenDocument.sequencerKey === seqKey && isSameContent(seenDocument)) {
    const self = memberOf(analysis, docId, seenDocument);
    return recordedOutcome(ctx, self, await finishRecorded(ctx, self, seenDocument), 'unchanged');
  }
  let bandsWritten: Member | undefined;
  let prior: DocumentItem | undefined;
  if (seenDocument) {
    prior = readDocumentItem(await getConsistent(ctx, documentKey(docId)));
  } else {
    const fresh = documentItem(ref, analysis, docId, firstSeenOf(ref, now), now);
    bandsWritten = memberOf(analysis, docId, fresh);
    const freshRun = await recordFresh(ctx, fresh, bandsWritten, seen && isJoinHint(seen) ? readJoinHint(seen) : undefined);
    if ('recorded' in freshRun) return freshRun.recorded;
    prior = freshRun.found;
  }

  const outcome = prior ? await recordOver(ctx, ref, analysis, prior, isSameContent(prior), now) : { docId, outcome: 'stale' as const };
  // A fresh attempt lost its key to a newer recorded document: its band items go, but those that document has too.
  // Not when the key holds a tombstone or a rejection: a re-upload after it may be writing the same band items (a
  // fresh page writes them before its document), and an orphan band item is never a candidate, a deleted one is lost.
  if (bandsWritten && outcome.outcome === 'stale' && prior?.status === 'recorded') await batchWrite(ctx, bandDeletesOf(bandsWritten, prior, ctx.indexLayout));
  return outcome;
}

/**
 * Whatever the run that recorded `stored` (these very bytes) may have left undone, done again; its cluster root.
 * A settled document's run finished before its Put: only a merge that raced the Put may need following (one
 * GetItem of the root its label names; none for a page that is its own cluster's original). Any other is repaired:
 * its index items written back, its clustering redone (idempotent), merges a dead run left half done finished.
 */
async function finishRecorded(ctx: StoreContext, self: Member, stored: DocumentItem): Promise<ClusterRoot | null> {
  const { clusterId = self.docId, rank = '' } = stored;
  if (stored.settled === true) return clusterId === self.docId ? { clusterId, ...self, rank, virtual: true } : confirmJoin(ctx, self, clusterId);
  await repairIndex(ctx, self, rank, stored.contentHash);
  return assignCluster(ctx, self);
}

/** The fingerprint of `analysis` as a cluster member, with the dating of its document `item`. */
function memberOf(analysis: PageAnalysis, docId: string, item: DatingAttributes): Member {
  return { docId, simhash: analysis.simhash, sketch: analysis.sketch, fingerprintVersion: analysis.fingerprintVersion, weakBits: analysis.weakBits, dating: datingOfItem(item) };
}

/**
 * A key with no document: its band items first, then its cluster decided (clusters.ts placeFresh), then the document
 * Put last, carrying the label and `settled`, so that the Put proves the run's work done and a redelivery stops at
 * its first read. The Put fails when pages named themselves in a join hint at the key meanwhile (the decision is
 * made again with them) or a document came (`found`, read consistently: the caller goes on as for a key with it).
 */
async function recordFresh(ctx: StoreContext, fresh: WrittenDocumentItem, self: Member, hint: JoinHintItem | undefined): Promise<{ recorded: RecordOutcome } | { found: DocumentItem | undefined }> {
  await batchWrite(ctx, bandItems(ctx, self));
  let hinted = hint;
  const hintsGiven = new Set<string>();
  for (let attemptNo = 0; attemptNo < ctx.limits.maxMergeAttempts; attemptNo++) {
    const placement = await placeFresh(ctx, self, fresh.rank, hinted?.hintedBy.map(String) ?? [], hintsGiven);
    if (placement.kind === 'join') await joinFresh(ctx, self, placement.root);
    const item: WrittenDocumentItem = placement.kind === 'merge' ? fresh : { ...fresh, ...(placement.kind === 'join' ? labelOf(ctx, self, placement.root) : {}), settled: true };
    // No document, and no join hint beyond the ones decided with.
    const unchanged = hinted ? 'hintCount = :hintCount' : 'attribute_not_exists(hintCount)';
    if (await putDocument(ctx, item, `attribute_not_exists(sequencerKey) AND ${unchanged}`, hinted ? { ':hintCount': hinted.hintCount } : undefined)) {
      const root =
        placement.kind === 'alone'
          ? { clusterId: self.docId, ...self, rank: fresh.rank, virtual: true }
          : placement.kind === 'join'
            ? await confirmJoin(ctx, self, placement.root.clusterId)
            : await assignCluster(ctx, self, { rank: fresh.rank });
      return { recorded: recordedOutcome(ctx, self, root, 'recorded') };
    }
    const current = await getConsistent(ctx, documentKey(self.docId));
    if (!current || !isJoinHint(current)) return { found: readDocumentItem(current) };
    hinted = readJoinHint(current);
  }
  throw new ClusterContention(`${self.docId}: join hints kept coming for ${ctx.limits.maxMergeAttempts} attempts`);
}

/** A key with a document (`prior`, read consistently): a redelivery, a re-upload of the same bytes, an overwrite, an older event, a reindex. */
async function recordOver(ctx: StoreContext, ref: ObjectRef, analysis: PageAnalysis, prior: DocumentItem, sameContent: boolean, now: string): Promise<RecordOutcome> {
  const docId = prior.docId;
  const seqKey = sequencerKey(ref.sequencer);
  // Fingerprinted with an older version: any event of this object, a backfill's or a redelivery's too, recomputes it.
  if (prior.status === 'recorded' && storedVersion(prior) < analysis.fingerprintVersion && prior.sequencerKey >= seqKey) {
    return reindexDocument(ctx, prior, ref, analysis, now);
  }
  const self = memberOf(analysis, docId, prior);

  if (prior.sequencerKey >= seqKey) {
    // A redelivery of the event already recorded: finish its indexing and clustering (idempotent) in case the first run
    // died or failed after the document write.
    if (prior.sequencerKey === seqKey && sameContent) return recordedOutcome(ctx, self, await finishRecorded(ctx, self, prior), 'unchanged');
    return { docId, outcome: 'stale' };
  }

  if (sameContent) {
    // The same bytes uploaded again: only the object's version attributes move, the fingerprint and cluster stay.
    const moved = await writeIf(ctx, 'UpdateItem version', {
      update: {
        Key: documentKey(docId),
        UpdateExpression: 'SET sequencer = :sequencer, sequencerKey = :sequencerKey, eTag = :eTag, versionId = :versionId, #size = :size, updatedAt = :now',
        ConditionExpression: 'sequencerKey = :priorKey',
        ExpressionAttributeNames: { '#size': 'size' },
        ExpressionAttributeValues: {
          ':sequencer': ref.sequencer ?? null,
          ':sequencerKey': seqKey,
          ':eTag': ref.eTag ?? null,
          ':versionId': ref.versionId ?? null,
          ':size': ref.size ?? null,
          ':now': now,
          ':priorKey': prior.sequencerKey,
        },
      },
    });
    if (!moved.written) return { docId, outcome: 'stale' };
    // The event that recorded these bytes may have failed after its document write (and been dead-lettered).
    return recordedOutcome(ctx, self, await finishRecorded(ctx, self, prior), 'unchanged');
  }

  const item = documentItem(ref, analysis, docId, prior.firstSeen ?? ref.eventTime ?? now, now);
  if (!(await putDocument(ctx, item, NEWER_EVENT, { ':sequencerKey': seqKey }))) return { docId, outcome: 'stale' };
  await removeBands(ctx, prior);
  const overwritten = memberOf(analysis, docId, item);
  // Overwriting a key starts its cluster afresh: a root record of the old content goes (limitation: duplicates of the
  // old content keep this clusterId). One batch after the document, repaired by a redelivery (repairIndex).
  await batchWrite(ctx, [...(prior.status === 'recorded' ? [{ delete: clusterKey(docId) }] : []), ...bandItems(ctx, overwritten)]);
  return recordedOutcome(ctx, overwritten, await assignCluster(ctx, overwritten, { rank: item.rank }), 'recorded');
}

/** The fingerprint version of a stored document or band item (none stored: version 1, from before versions). */
export function storedVersion(item: { fingerprintVersion?: number }): number {
  return item.fingerprintVersion ?? 1;
}

/**
 * Recompute a document recorded with an older fingerprint version, from an event no newer than the recorded one (a
 * backfill or reindex event, sequencer 0): the document keeps its object attributes, sequencer and firstSeen, gets the
 * new fingerprint, loses its old band items (in this layout and in the former default, bands4x16) and its old cluster
 * root, and is clustered afresh among documents of the new version. Idempotent: the conditional Put only replaces a
 * document still of an older version, so a second run, or a concurrent one, is `stale` and changes nothing.
 */
async function reindexDocument(ctx: StoreContext, prior: DocumentItem, ref: ObjectRef, analysis: PageAnalysis, now: string): Promise<RecordOutcome> {
  const docId = prior.docId;
  const objectAsRecorded: ObjectRef = { ...ref, versionId: prior.versionId, eTag: prior.eTag, sequencer: prior.sequencer, size: prior.size };
  const item = { ...documentItem(objectAsRecorded, analysis, docId, prior.firstSeen ?? now, now), sequencerKey: prior.sequencerKey };
  const replaced = await putDocument(ctx, item, 'sequencerKey = :priorKey AND (attribute_not_exists(fingerprintVersion) OR fingerprintVersion < :version)', {
    ':priorKey': prior.sequencerKey,
    ':version': analysis.fingerprintVersion,
  });
  if (!replaced) return { docId, outcome: 'stale' };
  const self: Member = { docId, simhash: analysis.simhash, sketch: analysis.sketch, fingerprintVersion: analysis.fingerprintVersion, weakBits: analysis.weakBits, dating: datingOfItem(item) };
  // The prior fingerprint's band items: under this layout, and under the defaults its version was written with
  // (bands4x16 for version 1, bands8x16 for version 2), which would otherwise stay behind as orphans.
  const layouts = [...new Set([ctx.indexLayout, BAND_LAYOUT, BANDS_8_LAYOUT])];
  await batchWrite(ctx, [...bandDeletes(prior, layouts), { delete: clusterKey(docId) }]);
  await batchWrite(ctx, bandItems(ctx, self));
  return recordedOutcome(ctx, self, await assignCluster(ctx, self, { rank: item.rank }), 'reindexed');
}

/**
 * A band item: what the lookup filters on before it reads any document (the SimHash distance, the fingerprint
 * version) and the docId. No sketch and no rank: candidates are judged with the sketches of their documents, which
 * the clustering reads anyway (clusters.ts), so that a Query of a band partition reads a third of the bytes.
 */
export function bandItem(key: ItemKey, self: Pick<Fingerprinted, 'docId' | 'simhash' | 'fingerprintVersion'>, writtenAt: string): StoredItemOf<'band'> {
  return bandItemFor(key, bandOf(self, writtenAt));
}

/** What each band item of `self` holds (bandItem). */
function bandOf(self: Pick<Fingerprinted, 'docId' | 'simhash' | 'fingerprintVersion'>, writtenAt: string): { docId: string; simhash: string; fingerprintVersion?: number; writtenAt: string } {
  return { docId: self.docId, simhash: self.simhash, fingerprintVersion: self.fingerprintVersion, writtenAt };
}

/**
 * The band items that make a recorded document findable (a singleton cluster has no other index item). `writtenAt`
 * tells a page that finds one before its document how long it has been waiting (clusters.ts pendingMatches).
 */
function bandItems(ctx: StoreContext, self: Fingerprinted): { put: StoredItemOf<'band'> }[] {
  return bandItemsFor(bandOf(self, ctx.now()), ctx.indexLayout).map((item) => ({ put: item }));
}

/**
 * Write back the index items a recorded document's first run may have left unwritten (it failed or was killed between
 * the document write and the index batch). One consistent BatchGet of the root and band keys, and nothing is written
 * when all bands are there and no root record of older content is left, as on a plain redelivery. Band items are put
 * with the content the first run would have written. A root record of this content may carry a write-once
 * `mergedInto` and is never touched; one of older content of the key (left by an overwrite whose batch failed) is replaced
 * (with the document's `contentHash`, which a root record carries).
 */
export async function repairIndex(ctx: StoreContext, self: Member, rank: string, contentHash?: string): Promise<void> {
  const wanted = bandItems(ctx, self);
  const rootKey = clusterKey(self.docId);
  const found = await batchGetConsistent(ctx, [rootKey, ...wanted.map(({ put }) => keyOf(put))]);
  if (found.some((item) => itemIdentity(item) === itemIdentity(rootKey) && item.simhash !== self.simhash)) {
    // A root of older content: replaced by an unmerged root of this content (its own cluster, as the Put labelled it).
    // Not written: rewritten meanwhile for this content, left as it is.
    await writeIf(ctx, 'PutItem root', {
      put: { Item: clusterRootItem({ clusterId: self.docId, ...self, rank, contentHash }), ConditionExpression: 'simhash <> :simhash', ExpressionAttributeValues: { ':simhash': self.simhash } },
    });
  }
  const present = new Set(found.filter((item) => item.simhash === self.simhash).map(itemIdentity));
  const missing = wanted.filter(({ put }) => !present.has(itemIdentity(put)));
  if (missing.length > 0) await batchWrite(ctx, missing);
}

/** Record an input the core can never analyze (empty, binary, ...), with its reason; it takes no part in clustering. */
export async function recordRejected(ctx: StoreContext, ref: ObjectRef, rejection: Pick<InputRejected, 'code' | 'message'>): Promise<RecordOutcome> {
  const docId = ref.docId ?? documentIdFor(ref.bucket, ref.key);
  const seqKey = sequencerKey(ref.sequencer);
  const prior = readDocumentItem(await getConsistent(ctx, documentKey(docId)));
  if (prior && prior.sequencerKey >= seqKey) {
    if (prior.sequencerKey === seqKey && prior.status === 'rejected') return { docId, outcome: 'rejected', reasonCode: rejection.code };
    return { docId, outcome: 'stale' };
  }
  const now = ctx.now();
  const item = documentItemFor({
    ...objectAttributes(ref, docId),
    status: 'rejected',
    reason: rejection.message,
    reasonCode: rejection.code,
    firstSeen: prior?.firstSeen ?? ref.eventTime ?? now,
    updatedAt: now,
  });
  if (!(await putDocument(ctx, item, NEWER_EVENT, { ':sequencerKey': seqKey }))) return { docId, outcome: 'stale' };
  await removeBands(ctx, prior);
  if (prior?.status === 'recorded' && prior.clusterId !== undefined) await memberLeft(ctx, prior.clusterId, docId);
  return { docId, outcome: 'rejected', reasonCode: rejection.code };
}

/** ObjectRemoved: the document stays as a tombstone (status 'deleted', ordered by sequencer) and leaves every index. */
export async function markDeleted(ctx: StoreContext, ref: ObjectRef): Promise<RecordOutcome> {
  const docId = ref.docId ?? documentIdFor(ref.bucket, ref.key);
  const seqKey = sequencerKey(ref.sequencer);
  const now = ctx.now();
  const tombstone = await writeIf(ctx, 'UpdateItem delete', {
    update: {
      Key: documentKey(docId),
      UpdateExpression:
        'SET #status = :deleted, docId = :docId, #bucket = :bucket, #key = :key, sequencer = :sequencer, sequencerKey = :sequencerKey, ' +
        'versionId = :versionId, firstSeen = if_not_exists(firstSeen, :firstSeen), updatedAt = :now ' +
        // A join hint at the key (no document before) leaves with it.
        `REMOVE ${[...INDEX_KEY_ATTRIBUTES, ...JOIN_HINT_ATTRIBUTES].join(', ')}`,
      ConditionExpression: NEWER_EVENT,
      ExpressionAttributeNames: { '#status': 'status', '#key': 'key', '#bucket': 'bucket' },
      ExpressionAttributeValues: {
        ':deleted': 'deleted',
        ':docId': docId,
        ':bucket': ref.bucket,
        ':key': ref.key,
        ':sequencer': ref.sequencer ?? null,
        ':sequencerKey': seqKey,
        ':versionId': ref.versionId ?? null,
        ':firstSeen': ref.eventTime ?? now,
        ':now': now,
      },
      ReturnValues: 'ALL_OLD',
    },
  });
  if (!tombstone.written) {
    const current = readDocumentItem(await getConsistent(ctx, documentKey(docId)));
    const redelivered = current?.sequencerKey === seqKey && current.status === 'deleted';
    // The first run may have died before its cluster took note (idempotent; the tombstone keeps its last clusterId).
    if (redelivered && current.clusterId !== undefined) await memberLeft(ctx, current.clusterId, docId);
    return { docId, outcome: redelivered ? 'deleted' : 'stale' };
  }
  // What the tombstone replaced: a document, or nothing (no item, or a join hint).
  const prior = readDocumentItem(tombstone.attributes);
  await removeBands(ctx, prior);
  // Members judged against it (it was their original) are judged against the earliest remaining one instead.
  if (prior?.status === 'recorded' && prior.clusterId !== undefined) await memberLeft(ctx, prior.clusterId, docId);
  return { docId, outcome: 'deleted' };
}
