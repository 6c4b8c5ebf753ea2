import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveCoreConfig } from '../../functions/core/config.ts';
import { InputRejected, type RejectCode } from '../../functions/core/errors.ts';
import { readPage } from '../../functions/core/read.ts';
import type { InputHints } from '../../functions/core/types.ts';

const config = resolveCoreConfig();
const html = (body: string, head = ''): string => `<!doctype html><html><head>${head}<title>t</title></head><body><p>${body}</p></body></html>`;

function rejection(bytes: Uint8Array, hints: InputHints = {}): { code: RejectCode; message: string } {
  try {
    readPage(bytes, hints, config);
  } catch (error) {
    if (error instanceof InputRejected) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the input to be rejected');
}

describe('readPage: gzip and size limits', () => {
  it('inflates gzip detected by its magic bytes, whatever the name', () => {
    const page = readPage(gzipSync(Buffer.from(html('Gzipped café'))), { fileName: 'page.html' }, config);
    expect(page).toMatchObject({ kind: 'html', compressed: true, charset: 'utf-8' });
    expect(page.text).toContain('Gzipped café');
    expect(page.inputBytes).toBeLessThan(Buffer.byteLength(html('Gzipped café')) + 30);
  });

  it('reads plain bytes named .gz as they are', () => {
    const page = readPage(Buffer.from('Just some words in a file.'), { fileName: 'notes.txt.gz' }, config);
    expect(page).toMatchObject({ kind: 'text', compressed: false });
  });

  it('rejects truncated gzip', () => {
    const full = gzipSync(Buffer.from(html('x'.repeat(5000))));
    expect(rejection(full.subarray(0, full.length - 12)).code).toBe('truncated-gzip');
    expect(rejection(full.subarray(0, 12)).code).toBe('truncated-gzip');
  });

  it('rejects a gzip bomb (40 MB of zeros) before inflating it all', () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(config.maxInputBytes);
    const result = rejection(bomb);
    expect(result.code).toBe('gzip-bomb');
    expect(result.message).toMatch(/limit/);
  });

  it('rejects a 50 MB input as too large', () => {
    const result = rejection(Buffer.alloc(50 * 1024 * 1024, 0x61));
    expect(result.code).toBe('too-large');
    expect(result.message).toContain(String(50 * 1024 * 1024));
  });

  it('rejects empty and whitespace-only input, also when gzipped', () => {
    expect(rejection(new Uint8Array(0)).code).toBe('empty');
    expect(rejection(Buffer.from(' \n\t\r\n  ')).code).toBe('empty');
    expect(rejection(gzipSync(Buffer.alloc(0))).code).toBe('empty');
    expect(rejection(gzipSync(Buffer.from('\n\n  \n'))).code).toBe('empty');
  });
});

describe('readPage: binary input', () => {
  const withTail = (magic: number[]): Buffer => Buffer.concat([Buffer.from(magic), Buffer.from('some trailing ascii data '.repeat(20))]);
  it.each([
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['PDF', [...Buffer.from('%PDF-1.7\n')]],
    ['ZIP', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]],
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0]],
    ['GIF', [...Buffer.from('GIF89a')]],
  ])('rejects a %s header as binary', (name, magic) => {
    const result = rejection(withTail(magic), { fileName: 'page.html', contentType: 'text/html' });
    expect(result.code).toBe('binary');
    expect(result.message).toContain(name);
  });

  it('rejects NUL bytes and control-character noise as binary', () => {
    expect(rejection(Buffer.from('hello\u0000world, this is not text')).code).toBe('binary');
    const noise = Buffer.alloc(4000);
    for (let index = 0; index < noise.length; index++) noise[index] = index % 3 === 0 ? 0x01 + (index % 7) : 0x41;
    expect(rejection(noise).code).toBe('binary');
  });

  it('rejects binary inside gzip', () => {
    expect(rejection(gzipSync(withTail([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).code).toBe('binary');
  });
});

describe('readPage: charsets', () => {
  it('decodes windows-1252 declared by <meta charset>', () => {
    const [before, after] = html('@', '<meta charset="windows-1252">').split('@') as [string, string];
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0x93, 0x63, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x80]), Buffer.from(after)]);
    const page = readPage(bytes, {}, config);
    expect(page.charset).toBe('windows-1252');
    expect(page.text).toContain('“café” €');
  });

  it('decodes iso-8859-1 declared by <meta http-equiv> (WHATWG reads it as windows-1252)', () => {
    const head = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">';
    const bytes = Buffer.from(html('Gr\u00fc\u00dfe aus K\u00f6ln', head), 'latin1');
    const page = readPage(bytes, {}, config);
    expect(page.charset).toBe('windows-1252');
    expect(page.text).toContain('Grüße aus Köln');
  });

  it('decodes shift_jis declared by <meta charset>', () => {
    // 日本語 in Shift_JIS.
    const japanese = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]);
    const [before, after] = html('@', '<meta charset="Shift_JIS">').split('@') as [string, string];
    const page = readPage(Buffer.concat([Buffer.from(before), japanese, Buffer.from(after)]), {}, config);
    expect(page.charset).toBe('shift_jis');
    expect(page.text).toContain('日本語');
  });

  it('lets the HTTP content-type charset win over the meta tag', () => {
    const bytes = Buffer.from([...Buffer.from('<p>'), 0xc0, 0xc1, ...Buffer.from('</p><meta charset="windows-1252">')]);
    const page = readPage(bytes, { contentType: 'text/html; charset=KOI8-R' }, config);
    expect(page.charset).toBe('koi8-r');
    expect(page.text).toContain('юа');
  });

  it('honours a UTF-8 BOM and a UTF-16LE BOM over any label', () => {
    const utf8 = readPage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(html('naïve', '<meta charset="windows-1252">'))]), {}, config);
    expect(utf8.charset).toBe('utf-8');
    expect(utf8.text).toContain('naïve');
    expect(utf8.text.startsWith('\ufeff')).toBe(false);
    const utf16 = readPage(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html('Zürich'), 'utf16le')]), {}, config);
    expect(utf16).toMatchObject({ charset: 'utf-16le', kind: 'html' });
    expect(utf16.text).toContain('Zürich');
  });

  it('falls back to windows-1252 for invalid UTF-8 without a label', () => {
    const page = readPage(Buffer.from('Caf\u00e9 cr\u00e8me, plain text without any label.', 'latin1'), {}, config);
    expect(page.charset).toBe('windows-1252');
    expect(page.text).toContain('Café crème');
  });

  it('reads valid UTF-8 without a label as UTF-8', () => {
    expect(readPage(Buffer.from('Smörgåsbord — “quoted”'), {}, config)).toMatchObject({ charset: 'utf-8', text: 'Smörgåsbord — “quoted”' });
  });

  it('corrects mislabelled charsets from the bytes', () => {
    // Labelled UTF-8, but the bytes are windows-1252.
    const latin = readPage(Buffer.from(html('D\u00fcsseldorf', '<meta charset="utf-8">'), 'latin1'), {}, config);
    expect(latin).toMatchObject({ charset: 'windows-1252' });
    expect(latin.text).toContain('Düsseldorf');
    // Labelled ISO-8859-1, but re-encoded to UTF-8 by the scraper.
    const reencoded = readPage(Buffer.from(html('Düsseldorf', '<meta charset="iso-8859-1">')), {}, config);
    expect(reencoded).toMatchObject({ charset: 'utf-8' });
    expect(reencoded.text).toContain('Düsseldorf');
  });

  it('ignores an unknown charset label and detects instead', () => {
    const page = readPage(Buffer.from(html('Ärger', '<meta charset="x-made-up-9">')), {}, config);
    expect(page).toMatchObject({ charset: 'utf-8' });
    expect(page.text).toContain('Ärger');
  });

  it('rejects a charset that no decoder can read (WHATWG "replacement") as unknown-encoding', () => {
    const result = rejection(Buffer.from(html('text', '<meta charset="iso-2022-kr">')));
    expect(result.code).toBe('unknown-encoding');
    expect(result.message).toContain('iso-2022-kr');
  });
});

describe('readPage: UTF-16 without a BOM', () => {
  const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
  const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
  // Mostly CJK text: few ASCII units, so only the declared charset can tell it (U+4E00 is 00 4E in UTF-16LE).
  const cjk = html('一二三新闻报道'.repeat(200));

  it('reads the charset declared in Content-Type before looking for binary', () => {
    for (const [bytes, label, charset] of [
      [utf16le(html('Zürich')), 'utf-16le', 'utf-16le'],
      [utf16be(html('Zürich')), 'UTF-16BE', 'utf-16be'],
      [utf16le(cjk), 'utf-16', 'utf-16le'],
    ] as const) {
      const page = readPage(bytes, { contentType: `text/html; charset=${label}` }, config);
      expect(page.charset).toBe(charset);
      expect(page.kind).toBe('html');
      expect(page.text).toBe(charset === 'utf-16be' || bytes.length !== utf16le(cjk).length ? html('Zürich') : cjk);
    }
  });

  it('recognizes UTF-16LE and UTF-16BE by their byte pattern when nothing declares them', () => {
    expect(readPage(utf16le(html('Zürich')), {}, config)).toMatchObject({ charset: 'utf-16le', text: html('Zürich') });
    expect(readPage(utf16be(html('Zürich')), { contentType: 'text/html' }, config)).toMatchObject({ charset: 'utf-16be', text: html('Zürich') });
  });

  it('still rejects as binary control-character noise in the UTF-16 pattern or labelled UTF-16, and unlabelled mostly-CJK UTF-16', () => {
    const noise = Buffer.alloc(4000);
    for (let index = 0; index < noise.length; index++) noise[index] = index % 2 === 0 ? 0x00 : 0x01 + (index % 7);
    expect(rejection(noise).code).toBe('binary');
    expect(rejection(noise, { contentType: 'text/html; charset=utf-16le' }).code).toBe('binary');
    expect(rejection(utf16le(cjk)).code).toBe('binary');
  });

  it('reads a UTF-16 label on bytes with no NUL (ASCII-compatible bytes) as UTF-8, as before', () => {
    expect(readPage(Buffer.from(html('Zürich')), { contentType: 'text/html; charset=utf-16' }, config)).toMatchObject({ charset: 'utf-8', text: html('Zürich') });
  });
});

describe('readPage: html or text', () => {
  it.each<[string, string, InputHints, 'html' | 'text']>([
    ['a doctype', html('x'), { fileName: 'a.txt', contentType: 'text/plain' }, 'html'],
    ['the content type', '<p>fragment</p>', { contentType: 'text/html; charset=utf-8' }, 'html'],
    ['the file extension', 'Hello <b>there</b>', { fileName: 'dir/page.htm.gz' }, 'html'],
    ['many tags', Array.from({ length: 10 }, (_, index) => `<div><p>para ${index}</p></div>`).join(''), {}, 'html'],
    ['prose', 'JUNE 2021\n\nA title\n\nSome text with a <b> in it, and 3 < 4.', {}, 'text'],
    ['a .txt name', 'Plain words.\n\nMore words.', { fileName: 'x.txt' }, 'text'],
  ])('detects by %s', (_name, text, hints, kind) => {
    expect(readPage(Buffer.from(text), hints, config).kind).toBe(kind);
  });
});
