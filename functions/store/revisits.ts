/**
 * WARC revisit records: a capture that repeats an earlier one (same payload) without its bytes. Recorded as an exact
 * duplicate of the referred document, in that document's cluster, so nothing about the crawl is lost.
 *
 * - The referred document is found by its recordId in the same object (the splitter resolves WARC-Refers-To), else by
 *   WARC-Refers-To-Target-URI + WARC-Refers-To-Date through the capture item (objects.ts): one GetItem.
 * - Linked: the revisit carries the referred document's fingerprint (simhash, sketch, contentHash) but no band items
 *   and no cluster root, so it is never a candidate and never an original; it is labelled with the cluster's
 *   protocol (labelDocument), so later merges move it with its cluster.
 * - Unknown referred record (in a WARC not ingested yet): status 'recorded', kind 'revisit', `refersTo` kept, no
 *   cluster. A later redelivery or backfill of the same event links it once the referred record is known.
 */
import { labelDocument, rejudgeCluster, resolveCluster } from './clusters.ts';
import { getConsistent, writeIf, type StoreContext } from './dynamo.ts';
import { StoreError } from './errors.ts';
import { objectAttributes, removeBands } from './documents.ts';
import { documentItemFor, readCaptureItem, readDocumentItem, type DocumentItem } from './items.ts';
import { fitItem } from './limits.ts';
import { captureKey, documentIdFor, documentKey, firstSeenOf, revisitRank, sequencerKey } from './keys.ts';
import type { ObjectRef, StoredDocument } from './types.ts';
import { datingOfItem } from './verdicts.ts';

export type RevisitReference = NonNullable<StoredDocument['refersTo']>;

export interface RevisitOutcome {
  docId: string;
  outcome: 'revisit' | 'unchanged' | 'stale';
  /** The referred document, or null when it is not known (yet). */
  revisitOf: string | null;
  clusterId: string | null;
}

/** A recorded page a revisit can refer to: what the revisit copies from it, all there. */
type ReferredDocument = DocumentItem & { simhash: string; sketch: string; rank: string; contentHash: string; clusterId: string };

/** Same-object docId from the splitter, else the capture index; the document only if it is a recorded page. */
async function findReferred(ctx: StoreContext, refersTo: RevisitReference, sameObjectDocId: string | undefined): Promise<ReferredDocument | null> {
  let docId = sameObjectDocId;
  if (!docId && refersTo.uri && refersTo.date) {
    const capture = await getConsistent(ctx, captureKey(refersTo.uri, refersTo.date));
    docId = capture && readCaptureItem(capture).docId;
  }
  if (!docId) return null;
  const referred = readDocumentItem(await getConsistent(ctx, documentKey(docId)));
  if (referred?.status !== 'recorded' || referred.kind === 'revisit' || referred.simhash === undefined || referred.clusterId === undefined) return null;
  const { simhash, sketch, rank, contentHash, clusterId } = referred;
  // Every recorded page is written with these (documents.ts WrittenDocumentItem): one without is a broken item.
  if (sketch === undefined || rank === undefined || contentHash === undefined) throw new StoreError(`document ${docId} is recorded without its fingerprint`);
  return { ...referred, simhash, sketch, rank, contentHash, clusterId };
}

export async function recordRevisit(
  ctx: StoreContext,
  ref: ObjectRef,
  refersTo: RevisitReference,
  sameObjectDocId: string | undefined,
): Promise<RevisitOutcome> {
  const docId = ref.docId ?? documentIdFor(ref.bucket, ref.key);
  const seqKey = sequencerKey(ref.sequencer);
  const [stored, referred] = await Promise.all([getConsistent(ctx, documentKey(docId)), findReferred(ctx, refersTo, sameObjectDocId)]);
  const prior = readDocumentItem(stored);
  const fingerprint = referred ? { docId, simhash: referred.simhash, sketch: referred.sketch } : null;

  if (prior && prior.sequencerKey > seqKey) return { docId, outcome: 'stale', revisitOf: null, clusterId: null };
  if (prior && prior.sequencerKey === seqKey && prior.kind === 'revisit' && (!referred || (prior.revisitOf && prior.simhash === referred.simhash))) {
    // A redelivery: finish the labelling in case the first run died (idempotent), write nothing else. (A referred
    // document fingerprinted anew since, by a reindex, is copied again below.)
    if (!prior.revisitOf || !fingerprint || !referred) return { docId, outcome: 'unchanged', revisitOf: null, clusterId: null };
    const root = await labelDocument(ctx, { ...fingerprint, dating: datingOfItem(prior) }, await resolveCluster(ctx, prior.clusterId ?? referred.clusterId));
    return { docId, outcome: 'unchanged', revisitOf: prior.revisitOf, clusterId: root.clusterId };
  }

  const now = ctx.now();
  const item = documentItemFor({
    ...objectAttributes(ref, docId),
    status: 'recorded',
    kind: 'revisit',
    refersTo,
    canonicalUrl: ref.url ?? null,
    firstSeen: prior?.firstSeen ?? firstSeenOf(ref, now),
    updatedAt: now,
    ...(referred
      ? {
          revisitOf: referred.docId,
          title: referred.title ?? null,
          simhash: referred.simhash,
          sketch: referred.sketch,
          contentHash: referred.contentHash,
          claimedDate: referred.claimedDate ?? null,
          // Its place in the cluster (byCluster's sort key), right after the page it repeats: its label adds the partition.
          rank: revisitRank(referred.rank, docId),
        }
      : {}),
  });
  const put = await writeIf(ctx, 'PutItem revisit', {
    put: {
      Item: fitItem(item, ctx.limits.maxItemBytes),
      // Equal sequencer allowed: the same event linking a revisit whose referred record has arrived since.
      // No sequencerKey: no item, or a join hint (no document).
      ConditionExpression: 'attribute_not_exists(sequencerKey) OR sequencerKey <= :sequencerKey',
      ExpressionAttributeValues: { ':sequencerKey': seqKey },
    },
  });
  if (!put.written) return { docId, outcome: 'stale', revisitOf: null, clusterId: null };
  // The record held a page before (an overwritten object): its band items must not match anything any more.
  await removeBands(ctx, prior);
  if (!referred || !fingerprint) return { docId, outcome: 'revisit', revisitOf: null, clusterId: null };
  const root = await labelDocument(ctx, { ...fingerprint, dating: datingOfItem(item) }, await resolveCluster(ctx, referred.clusterId));
  if (root.reference) await rejudgeCluster(ctx, root.clusterId); // its original is gone: the revisit may be the earliest left
  return { docId, outcome: 'revisit', revisitOf: referred.docId, clusterId: root.clusterId };
}
