/** Every key, rank and sortable value the store writes is built here, from the names in schema.ts. */
import { partialDateEnd, partialDateStart } from '../core/dates/partial-date.ts';
import type { PageAnalysis } from '../core/types.ts';
import { DEFAULT_INDEX_LAYOUT, type IndexLayout } from './index-layout.ts';
import { KEY_PREFIXES } from './schema.ts';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Opaque document id: `<bucket>/<key>` today, `<bucket>/<key>#<offset>` for records inside an archive later. */
export function documentIdFor(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

export function documentKey(docId: string): ItemKey {
  return { pk: `${KEY_PREFIXES.document}${docId}`, sk: KEY_PREFIXES.documentSort };
}

/**
 * The index partitions of a fingerprint, `BAND#<partition of the layout>`: near-duplicates within the layout's
 * maxDistance (3) share at least one. The default layout is the four 16-bit bands, `BAND#<i>#<4 hex>`.
 */
export function bandPartitions(simhash: string, layout: IndexLayout = DEFAULT_INDEX_LAYOUT): string[] {
  return layout.writePartitions(simhash).map((partition) => `${KEY_PREFIXES.band}${partition}`);
}

export function bandKeys(simhash: string, docId: string): ItemKey[] {
  return bandPartitions(simhash).map((pk) => ({ pk, sk: docId }));
}

export function clusterPartition(clusterId: string): string {
  return `${KEY_PREFIXES.cluster}${clusterId}`;
}

export function clusterKey(clusterId: string): ItemKey {
  return { pk: clusterPartition(clusterId), sk: KEY_PREFIXES.clusterSort };
}

export function memberKey(clusterId: string, docId: string): ItemKey {
  return { pk: clusterPartition(clusterId), sk: `${KEY_PREFIXES.member}${docId}` };
}

export function contentHashPartition(contentHash: string): string {
  return `${KEY_PREFIXES.contentHash}${contentHash}`;
}

export function mismatchSortKey(firstSeen: string, docId: string): string {
  return `${firstSeen}#${docId}`;
}

/** Sorts after every real date, so undated pages rank after dated ones. */
const NO_DATE = '9999-12-31';

/**
 * The day a page stands for when choosing a cluster's original, as YYYY-MM-DD. A believed claimed date (present and
 * not a mismatch) is a publication date: the start of its period. Otherwise the period the content covers: its END,
 * since a page is published after the events it reports (so a copy whose content covers "April 2018" does not
 * outrank the page that claims 2018-04-06). Undated pages come last.
 */
export function rankDate(analysis: Pick<PageAnalysis, 'claimedDate' | 'dateMismatch' | 'contentDates'>): string {
  if (analysis.claimedDate && !analysis.dateMismatch) return isoDay(partialDateStart(analysis.claimedDate));
  const dominant = analysis.contentDates.dominant;
  return dominant ? isoDay(partialDateEnd(dominant)) : NO_DATE;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Sortable rank: lowest = the cluster's original (earliest date, then first seen, then docId as a tie-break). */
export function rankOf(analysis: Pick<PageAnalysis, 'claimedDate' | 'dateMismatch' | 'contentDates'>, firstSeen: string, docId: string): string {
  return `${rankDate(analysis)}#${firstSeen}#${docId}`;
}

/** Width S3 sequencers are left-padded to, so that string order is numeric order. */
const SEQUENCER_WIDTH = 40;

/** S3 sequencers are hex strings of varying length; compared as numbers after left-padding with zeros. */
export function sequencerKey(sequencer: string | undefined): string {
  const hex = (sequencer ?? '').toUpperCase();
  if (!/^[0-9A-F]*$/.test(hex)) throw new RangeError(`S3 sequencer must be hexadecimal, got "${sequencer}"`);
  return hex.padStart(SEQUENCER_WIDTH, '0');
}
