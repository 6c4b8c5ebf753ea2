import { gunzipSync } from 'node:zlib';
import type { CoreConfig } from './config.ts';
import { InputRejected, REJECT_CODES } from './errors.ts';
import type { DecodedPage, InputHints, PageKind } from './types.ts';

/**
 * Bytes of a scrape -> text: gzip undone (by magic bytes), binaries and oversized input rejected, charset decoded.
 *
 * Charset order: BOM, then the Content-Type `charset` parameter, then `<meta charset>` / `<meta http-equiv>`
 * in the first SNIFF_BYTES, else UTF-8 when the bytes are valid UTF-8, else windows-1252.
 * Labels are checked against the bytes, because scrapers often re-encode a page and keep its old label:
 * a `utf-8` label on bytes that are not UTF-8 falls back to windows-1252, and a single-byte label
 * (windows-1252, iso-8859-x) on bytes that are valid UTF-8 with non-ASCII sequences is read as UTF-8.
 * An unknown label is ignored (detection continues); a label WHATWG maps to the "replacement"
 * encoding (iso-2022-kr, hz-gb-2312, ...) cannot be decoded at all and is rejected as `unknown-encoding`.
 */

const SNIFF_BYTES = 4096;
/** Share of control bytes (not tab/newline/CR/FF/ESC) above which the input is binary, not text. */
const MAX_CONTROL_RATIO = 0.05;
const BINARY_SAMPLE_BYTES = 64 * 1024;

const BINARY_MAGICS: { name: string; bytes: number[] }[] = [
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: 'PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'WebP/RIFF media', bytes: [0x52, 0x49, 0x46, 0x46] },
  { name: 'bzip2 archive', bytes: [0x42, 0x5a, 0x68] },
  { name: '7z archive', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'xz archive', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
];

const GZIP_MAGIC = [0x1f, 0x8b];

/** WHATWG labels of the "replacement" encoding: stateful encodings no decoder here can read. */
const REPLACEMENT_LABELS = new Set(['csiso2022kr', 'hz-gb-2312', 'iso-2022-cn', 'iso-2022-cn-ext', 'iso-2022-kr', 'replacement']);

export function readPage(bytes: Uint8Array, hints: InputHints, config: CoreConfig): DecodedPage {
  const inputBytes = bytes.length;
  if (inputBytes > config.maxInputBytes) {
    throw new InputRejected(REJECT_CODES.tooLarge, `input is ${inputBytes} bytes, over the limit of ${config.maxInputBytes}`);
  }
  if (inputBytes === 0) throw new InputRejected(REJECT_CODES.empty, 'input is empty (0 bytes)');

  const compressed = startsWith(bytes, GZIP_MAGIC);
  const raw = compressed ? gunzip(bytes, config.maxInflatedBytes) : bytes;
  if (raw.length === 0) throw new InputRejected(REJECT_CODES.empty, 'gzip member inflates to 0 bytes');

  // UTF-16 without a BOM has a NUL in every other byte of its ASCII: it is recognized before the binary check.
  const bom = readBom(raw) ?? utf16WithoutBom(raw, hints.contentType);
  if (!bom) rejectBinary(raw);

  const { text, charset } = decode(raw, bom, hints.contentType);
  if (text.trim() === '') throw new InputRejected(REJECT_CODES.empty, 'input holds only whitespace');
  return { kind: detectKind(text, hints), text, charset, compressed, inputBytes };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

function gunzip(bytes: Uint8Array, maxInflatedBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxInflatedBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof RangeError || code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputRejected(REJECT_CODES.gzipBomb, `gzip data inflates past the limit of ${maxInflatedBytes} bytes`, { cause: error });
    }
    const reason = code === 'Z_BUF_ERROR' ? 'ends before the end of its stream' : `is corrupt (${(error as Error).message})`;
    throw new InputRejected(REJECT_CODES.truncatedGzip, `gzip data ${reason}`, { cause: error });
  }
}

function rejectBinary(bytes: Uint8Array): void {
  const magic = BINARY_MAGICS.find((candidate) => startsWith(bytes, candidate.bytes));
  if (magic) throw new InputRejected(REJECT_CODES.binary, `input is a ${magic.name}, not a web page`);
  const sampleLength = Math.min(bytes.length, BINARY_SAMPLE_BYTES);
  let controls = 0;
  for (let index = 0; index < sampleLength; index++) {
    const byte = bytes[index]!;
    if (byte === 0) throw new InputRejected(REJECT_CODES.binary, `input holds a NUL byte at offset ${index}: binary data, not text`);
    // Tab, LF, VT, FF, CR and ESC occur in real text; other C0 controls do not.
    if (byte < 0x20 && !(byte >= 0x09 && byte <= 0x0d) && byte !== 0x1b) controls++;
  }
  if (controls > sampleLength * MAX_CONTROL_RATIO) {
    throw new InputRejected(REJECT_CODES.binary, `${controls} of the first ${sampleLength} bytes are control characters: binary data, not text`);
  }
}

interface Bom {
  charset: 'utf-8' | 'utf-16le' | 'utf-16be';
  length: number;
}

function readBom(bytes: Uint8Array): Bom | null {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { charset: 'utf-8', length: 3 };
  if (startsWith(bytes, [0xff, 0xfe])) return { charset: 'utf-16le', length: 2 };
  if (startsWith(bytes, [0xfe, 0xff])) return { charset: 'utf-16be', length: 2 };
  return null;
}

/** Bytes checked for the UTF-16 byte pattern. */
const UTF16_SAMPLE_BYTES = 4096;
/** Share of ASCII-range code units (one byte zero) from which unlabelled bytes are taken as UTF-16. */
const UTF16_MIN_ASCII_SHARE = 0.3;

/**
 * UTF-16 text that has no BOM: recognized by its byte pattern (ASCII characters are a zero byte and a byte below 0x80,
 * the zero always on the same side), or by a declared `charset=utf-16[le|be]` on bytes that hold NULs (UTF-8 or
 * a legacy charset never does in text). The decoded sample must then be text (no NUL, few controls); else null.
 */
function utf16WithoutBom(bytes: Uint8Array, contentType: string | undefined): Bom | null {
  const length = Math.min(bytes.length, UTF16_SAMPLE_BYTES) & ~1;
  if (length < 2) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let index = 0; index < length; index += 2) {
    if (bytes[index] === 0 && bytes[index + 1]! !== 0 && bytes[index + 1]! < 0x80) zeroEven++;
    if (bytes[index + 1] === 0 && bytes[index]! !== 0 && bytes[index]! < 0x80) zeroOdd++;
  }
  const units = length / 2;
  let charset: Bom['charset'] | null = null;
  // (A few units of the other pattern are real characters: U+4E00 is 00 4E in UTF-16LE.)
  if (zeroOdd >= units * UTF16_MIN_ASCII_SHARE && zeroEven * 10 < zeroOdd) charset = 'utf-16le';
  else if (zeroEven >= units * UTF16_MIN_ASCII_SHARE && zeroOdd * 10 < zeroEven) charset = 'utf-16be';
  else {
    const label = charsetParam(contentType)?.trim().toLowerCase();
    if (label && /^(utf-?16|utf-?16le|utf-?16be|ucs-?2|unicode|unicodefffe)$/.test(label) && bytes.subarray(0, length).includes(0)) {
      charset = /be$|fffe$/.test(label) ? 'utf-16be' : 'utf-16le';
    }
  }
  if (!charset) return null;
  const sample = new TextDecoder(charset).decode(bytes.subarray(0, length));
  const controls = sample.match(/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/g)?.length ?? 0;
  if (sample.includes('\u0000') || controls > sample.length * MAX_CONTROL_RATIO) return null;
  return { charset, length: 0 };
}

function decode(bytes: Uint8Array, bom: Bom | null, contentType: string | undefined): { text: string; charset: string } {
  if (bom) return { text: new TextDecoder(bom.charset).decode(bytes.subarray(bom.length)), charset: bom.charset };

  const label = charsetParam(contentType) ?? sniffMetaCharset(bytes);
  const labelled = label === null ? null : resolveLabel(label);
  const utf8 = tryUtf8(bytes);

  if (labelled && labelled !== 'utf-8') {
    const singleByte = labelled.startsWith('iso-8859') || labelled.startsWith('windows-125');
    // A single-byte label on valid multi-byte UTF-8 is a page re-encoded by the scraper: the bytes win.
    if (!(singleByte && utf8 !== null && hasNonAscii(bytes))) return { text: decodeAs(labelled, bytes), charset: labelled };
  }
  if (utf8 !== null) return { text: utf8, charset: 'utf-8' };
  return { text: decodeAs('windows-1252', bytes), charset: 'windows-1252' };
}

/** Code points of windows-1252 bytes 0x80..0x9f (0 = unassigned, kept as the C1 control). */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeAs(charset: string, bytes: Uint8Array): string {
  const text = new TextDecoder(charset).decode(bytes);
  if (charset !== 'windows-1252') return text;
  // Node 20's windows-1252 decoder is plain latin1: bytes 0x80..0x9f come out as C1 controls, not € “ ” ….
  return text.replace(/[\u0080-\u009f]/g, (char) => {
    const mapped = WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80];
    return mapped ? String.fromCharCode(mapped) : char;
  });
}

/** The WHATWG name of a charset label; null when unknown (ignored). Throws for labels that cannot be decoded. */
function resolveLabel(label: string): string | null {
  const normalized = label.trim().toLowerCase();
  if (REPLACEMENT_LABELS.has(normalized)) {
    throw new InputRejected(REJECT_CODES.unknownEncoding, `charset "${label}" cannot be decoded (WHATWG maps it to the "replacement" encoding)`);
  }
  let encoding: string;
  try {
    encoding = new TextDecoder(normalized).encoding;
  } catch {
    return null;
  }
  // A UTF-16 label found in ASCII-compatible bytes is wrong by construction (HTML spec: treat as UTF-8).
  return encoding.startsWith('utf-16') ? 'utf-8' : encoding;
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

function charsetParam(contentType: string | undefined): string | null {
  const match = contentType?.match(/;\s*charset\s*=\s*["']?([^"';\s]+)/i);
  return match?.[1] ?? null;
}

/** `<meta charset=x>` or `<meta http-equiv=content-type content="...; charset=x">` near the top of the page. */
function sniffMetaCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, SNIFF_BYTES));
  for (const meta of head.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = meta[0];
    const direct = tag.match(/\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i);
    if (direct?.[1]) return direct[1];
  }
  return null;
}

const HTML_EXTENSIONS = /\.(html?|xhtml|shtml|php|aspx?|jsp)$/i;
const TEXT_EXTENSIONS = /\.(txt|text|md)$/i;
const HTML_START = /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body)\b/i;
const COMMON_TAGS = /<\/?(p|div|span|a|br|li|ul|table|td|tr|h[1-6]|img|script|meta|link|section|article)\b[^>]*>/gi;
/** Tags per 1000 characters above which unlabelled text is markup. */
const TAG_DENSITY = 2;

/** html or text: a page that starts like HTML is HTML whatever its label; then the content type, then the name, then tag density. */
function detectKind(text: string, hints: InputHints): PageKind {
  const head = text.slice(0, 8192);
  if (HTML_START.test(head)) return 'html';
  const mime = hints.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'html';
  const name = hints.fileName?.replace(/\.gz$/i, '') ?? '';
  if (HTML_EXTENSIONS.test(name)) return 'html';
  const tags = head.match(COMMON_TAGS)?.length ?? 0;
  const markup = tags >= 5 && tags >= (head.length / 1000) * TAG_DENSITY;
  if (mime === 'text/plain' || TEXT_EXTENSIONS.test(name)) return markup && tags >= 20 ? 'html' : 'text';
  return markup ? 'html' : 'text';
}
