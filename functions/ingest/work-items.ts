/**
 * Work items the function puts on its own ingest queue: one per range of a big WARC or JSONL object. The same message
 * is a range's first try and its continuation: where the range resumes is in the object item's checkpoint
 * (store/objects.ts), so a redelivered or continued range never redoes what a checkpoint covers.
 */
import type { ObjectRef } from '../store/index.ts';
import { MalformedWorkItem } from './errors.ts';

export const RANGE_SOURCE = 'archive-dedup.range';

export interface ObjectRange {
  index: number;
  count: number;
  /** Byte offsets in the stored file: the range holds the records that start in [start, end); end null = to the end. */
  start: number;
  end: number | null;
}

export interface RangeWorkItem {
  source: typeof RANGE_SOURCE;
  object: ObjectRef;
  container: { kind: 'warc' | 'jsonl'; compressed: boolean; contentType?: string };
  range: ObjectRange;
  /** Continuations in a row that recorded nothing (the range is not started when an invocation's time is already short). */
  stalled?: number;
}

/** Continuations without progress before a range fails its message instead (and ends in the dead-letter queue). */
export const MAX_STALLED_CONTINUATIONS = 3;

export function isRangeWorkItem(body: unknown): body is RangeWorkItem {
  return typeof body === 'object' && body !== null && (body as { source?: unknown }).source === RANGE_SOURCE;
}

/** The work item of an SQS message body, or null when the body is something else (an S3 event notification). */
export function rangeWorkItemOf(body: string): RangeWorkItem | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isRangeWorkItem(parsed)) return null;
  const { object, range, container } = parsed as Partial<RangeWorkItem>;
  if (typeof object?.bucket !== 'string' || typeof object.key !== 'string' || typeof range?.index !== 'number' || typeof range.start !== 'number' || !container) {
    throw new MalformedWorkItem(`range work item without object, range or container: ${body.slice(0, 200)}`);
  }
  return parsed;
}

/**
 * The ranges of a container object. A WARC (plain, or one gzip member per record) is cut every `rangeBytes`, each range
 * finding its first record itself (core/records/resync.ts). A JSONL object is one range, continued in order: its record
 * ids are line numbers, which only a reader from the first byte knows.
 */
export function planRanges(size: number, container: RangeWorkItem['container'], rangeBytes: number): ObjectRange[] {
  const count = container.kind === 'warc' ? Math.min(MAX_RANGES, Math.max(1, Math.ceil(size / rangeBytes))) : 1;
  const step = Math.ceil(size / count);
  return Array.from({ length: count }, (_, index) => ({ index, count, start: index * step, end: index === count - 1 ? null : (index + 1) * step }));
}

/**
 * Every range's checkpoint lives in the object item (store/objects.ts), about 50 bytes each: 1,000 ranges stay far
 * under DynamoDB's 400 KB item limit. Past 1,000 x rangeBytes (8 GB by default) the ranges grow instead.
 */
export const MAX_RANGES = 1000;
