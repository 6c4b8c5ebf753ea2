import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../local/cli.ts';
import { repostsOf, SAMPLES_DIR } from '../../local/samples.ts';
import { corpusPath, readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/archive-dedup.mjs');

/** Run the real bin as a child process; execFile rejects on a non-zero exit, so collect the code either way. */
async function cli(...args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, lines: stdout.split('\n').filter(Boolean), stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, lines: failed.stdout.split('\n').filter(Boolean), stderr: failed.stderr };
  }
}

async function inProcess(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(args, (line) => lines.push(line));
  return { code, lines };
}

describe('CLI contract: fingerprint and compare', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'archive-dedup-cli-'));
    writeFileSync(file('binary.bin'), Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 37) % 256)));
    writeFileSync(file('empty.txt'), '');
    // Varied words so the gzip stream is long enough that cutting it in half loses real data.
    const varied = Array.from({ length: 3000 }, (_, index) => `word${(index * 7919) % 10007}`).join(' ');
    const gzipped = gzipSync(varied);
    writeFileSync(file('truncated.txt.gz'), gzipped.subarray(0, gzipped.length >> 1));
    writeFileSync(file('huge.txt'), '');
    truncateSync(file('huge.txt'), 50 * 1024 * 1024);
    // A charset WHATWG maps to "replacement": no decoder can read it.
    writeFileSync(file('odd-charset.html'), '<html><head><meta charset="iso-2022-kr"><title>Odd</title></head><body><p>Short text in a charset that cannot be decoded.</p></body></html>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the bin prints one JSON line per good file with the fingerprint and dates, exit 0', async () => {
    const { code, lines } = await cli('fingerprint', join(SAMPLES_DIR, 'harbour-ferry.txt'), join(SAMPLES_DIR, 'community-garden.html'));
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    const [ferry, garden] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const page of [ferry!, garden!]) {
      expect(page.simhash).toMatch(/^[0-9a-f]{16}$/);
      expect(page.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(page).toHaveProperty('claimedDate');
      expect(page).toHaveProperty('contentDates');
      expect(page).toHaveProperty('dateMismatch');
      expect(page).toHaveProperty('dateGapDays');
      expect(page.mainTextChars).toBeGreaterThan(500);
    }
    expect(garden!.title).toContain('greenhouse');
    expect(garden!.dateMismatch).toBe(false);
  });

  it('bad inputs each get an error line with a reason code; the run goes on and exits 1', async () => {
    const good = join(SAMPLES_DIR, 'harbour-ferry.txt');
    const names = ['binary.bin', 'empty.txt', 'truncated.txt.gz', 'huge.txt', 'odd-charset.html', 'missing.txt'];
    const { code, lines } = await inProcess('fingerprint', ...names.map(file), good, dir);
    expect(code).toBe(1);
    const results = lines.map((line) => JSON.parse(line) as { file: string; error?: string; code?: string; simhash?: string });
    expect(results.map((result) => result.file)).toEqual([...names.map(file), good, dir]);
    const codeOf = (name: string) => results.find((result) => result.file === file(name))?.code;
    expect(codeOf('binary.bin')).toBe('binary');
    expect(codeOf('empty.txt')).toBe('empty');
    expect(codeOf('truncated.txt.gz')).toBe('truncated-gzip');
    expect(codeOf('huge.txt')).toBe('too-large');
    expect(codeOf('odd-charset.html')).toBe('unknown-encoding');
    expect(codeOf('missing.txt')).toBe('unreadable');
    expect(results.at(-1)).toMatchObject({ code: 'unreadable', error: expect.stringContaining('directory') });
    expect(results.find((result) => result.file === good)?.simhash).toMatch(/^[0-9a-f]{16}$/);
    for (const result of results.filter((candidate) => candidate.code)) expect(result.error!.length).toBeGreaterThan(5);
  });

  it('compare: the seed and a generated repost are near-duplicates; an unrelated page is not', async () => {
    writeFileSync(file('seed.txt'), readCorpusBytes(...SEED_PAGE));
    writeFileSync(file('repost.txt'), repostsOf(readCorpusBytes(...SEED_PAGE).toString('utf8'))['repost-reworded.txt']!);
    const near = await cli('compare', file('seed.txt'), file('repost.txt'));
    expect(near.code).toBe(0);
    const nearResult = JSON.parse(near.lines[0]!) as { distance: number; nearDuplicate: boolean; similarity: number };
    const far = await inProcess('compare', corpusPath(...SEED_PAGE), join(SAMPLES_DIR, 'harbour-ferry.txt'));
    const farResult = JSON.parse(far.lines[0]!) as { distance: number; nearDuplicate: boolean; similarity: number };
    console.log(`compare: seed vs reworded repost distance ${nearResult.distance} similarity ${nearResult.similarity}; seed vs unrelated distance ${farResult.distance} similarity ${farResult.similarity}`);
    expect(Object.keys(nearResult).sort()).toEqual(['distance', 'nearDuplicate', 'similarity']);
    expect(nearResult.nearDuplicate).toBe(true);
    expect(farResult.nearDuplicate).toBe(false);
    expect(farResult.distance).toBeGreaterThan(nearResult.distance);
  });

  it('usage: unknown command and missing arguments exit 2; --help exits 0', async () => {
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: archive-dedup');
    expect((await inProcess('compare', 'only-one')).code).toBe(2);
    expect((await inProcess('local', '--s3-port', 'abc')).code).toBe(2);
    expect((await inProcess('run', join(dir, 'no-such-folder'))).code).toBe(2);
    const help = await inProcess('duplicates', '--help');
    expect(help.code).toBe(0);
    expect(help.lines.join('\n')).toContain('duplicates KEY');
  });
});
