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
}

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
  const count = container.kind === 'warc' ? Math.max(1, Math.ceil(size / rangeBytes)) : 1;
  return Array.from({ length: count }, (_, index) => ({ index, count, start: index * rangeBytes, end: index === count - 1 ? null : (index + 1) * rangeBytes }));
}
