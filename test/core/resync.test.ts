/** Finding the first WARC record inside a range that starts at any byte (functions/core/records/resync.ts). */
import { describe, expect, it } from 'vitest';
import { findRecordStart } from '../../functions/core/records/index.ts';
import { generatedPages, warcSpecs } from '../support/crawl.ts';
import { writeWarc } from '../support/warc-writer.ts';

describe('findRecordStart', () => {
  for (const gzip of [true, false]) {
    it(`${gzip ? 'per-record gzip' : 'plain'} WARC: from any byte, the first record that starts at or after it`, async () => {
      const specs = warcSpecs(generatedPages(12, 0, 3));
      // A page that quotes WARC headers in its text, not after a record's blank line, is not a record start.
      specs[4] = { ...specs[4]!, payload: `<p>WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello</p>` };
      const { bytes, offsets } = await writeWarc(specs, gzip);
      for (let start = 0; start < bytes.length; start += 7) {
        const expected = offsets.find((offset) => offset >= start);
        const search = findRecordStart(bytes.subarray(start), gzip, true);
        if (expected === undefined) expect(search).toEqual({ none: true });
        else expect(search).toEqual({ found: expected - start });
      }
    });
  }

  it('asks for more bytes rather than judging a candidate it cannot see whole', async () => {
    const { bytes, offsets } = await writeWarc(warcSpecs(generatedPages(3, 0, 4)), true);
    const window = bytes.subarray(offsets[1]! - 10, offsets[1]! + 20);
    expect(findRecordStart(window, true, false)).toEqual({ more: true, resumeAt: 10 });
  });
});
