import { constants, gunzipSync } from 'node:zlib';
import type { InputHints } from '../types.ts';
import { isGzip } from './stream.ts';
import type { ContainerKind } from './types.ts';

/**
 * Which container an object is, from its hints and its first bytes (HEAD_BYTES are enough; gzip is looked through).
 * The bytes decide first (a WARC version line), then the name or content type (`.warc`, `.jsonl`, `.ndjson`,
 * application/warc, application/x-ndjson...), then the bytes again: a line starting `{"url":` / `{"html":` ... is JSONL.
 * Anything else is a single page.
 */
export const HEAD_BYTES = 8192;

const WARC_NAME = /\.(warc|arc)$/;
const WARC_TYPES = new Set(['application/warc']);
const JSONL_NAME = /\.(jsonl|ndjson|jsonlines)$/;
const JSONL_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines']);
const JSONL_START = /^\{\s*"(url|html|text|scrapedAt|published)"\s*:/;
const latin1 = new TextDecoder('latin1');

export function detectContainer(hints: InputHints, head: Uint8Array): ContainerKind {
  const start = latin1.decode((isGzip(head) ? inflatePrefix(head) : head).subarray(0, HEAD_BYTES)).replace(/^\xEF\xBB\xBF/, '');
  if (/^WARC\/\d/.test(start)) return 'warc';
  // An ARC file (the web archive format before WARC) opens with its `filedesc://` header record: read as a WARC is.
  if (/^filedesc:\/\//.test(start)) return 'warc';

  const name = (hints.fileName ?? '').toLowerCase().replace(/\.gz$/, '');
  const mime = hints.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (WARC_NAME.test(name) || WARC_TYPES.has(mime)) return 'warc';
  if (JSONL_NAME.test(name) || JSONL_TYPES.has(mime)) return 'jsonl';
  if (JSONL_START.test(start.trimStart())) return 'jsonl';
  return 'single';
}

/** As much of a gzip stream's start as the given bytes inflate to (a head cut mid-stream is expected). */
function inflatePrefix(head: Uint8Array): Uint8Array {
  try {
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return new Uint8Array();
  }
}
