import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_DEFAULTS } from '../../functions/core/config.ts';
import { main } from '../../local/cli.ts';
import type { RunReport } from '../../local/report.ts';
import { repostsOf, SAMPLES_DIR } from '../../local/samples.ts';
import { readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';

describe('run --json: generated pages through the embedded stack and the real ingest', () => {
  let dir: string;
  let report: RunReport;
  let exitCode: number;
  let reposts: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'archive-dedup-run-'));
    const seedText = readCorpusBytes(...SEED_PAGE).toString('utf8');
    writeFileSync(join(dir, 'seed page.txt'), seedText);
    const generated = repostsOf(seedText);
    reposts = Object.keys(generated);
    for (const [name, content] of Object.entries(generated)) writeFileSync(join(dir, name), content);
    for (const name of ['harbour-ferry.txt', 'community-garden.html', 'empty-upload.txt']) copyFileSync(join(SAMPLES_DIR, name), join(dir, name));

    const lines: string[] = [];
    exitCode = await main(['run', dir, '--json'], (line) => lines.push(line));
    expect(lines).toHaveLength(1);
    report = JSON.parse(lines[0]!) as RunReport;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds one cluster: the seed as original, every repost a member', () => {
    const byKey = new Map(report.documents.map((document) => [document.key, document]));
    console.log(`run: ${report.documents.length} documents, ${report.clusters.length} clusters: ${report.clusters.map((cluster) => `${cluster.original} + ${cluster.members.length - 1} (distances ${cluster.members.map((member) => member.distance).join(',')})`).join('; ')}`);
    expect(exitCode).toBe(0);
    expect(report.clusters).toHaveLength(1);
    const [cluster] = report.clusters;
    expect(cluster!.original).toBe('seed page.txt');
    expect(cluster!.members.map((member) => member.key).sort()).toEqual(['seed page.txt', ...reposts].sort());
    for (const repost of reposts) {
      expect(byKey.get(repost)).toMatchObject({ clusterId: cluster!.clusterId, original: 'seed page.txt', status: 'recorded' });
      expect(byKey.get(repost)!.distance).toBeLessThanOrEqual(CORE_DEFAULTS.maxDistance);
    }
    expect(byKey.get('harbour-ferry.txt')!.clusterId).not.toBe(cluster!.clusterId);
  });

  it('flags the seed (June 2021 header on April 2018 content) as the date mismatch, and only it', () => {
    const mismatched = report.documents.filter((document) => document.dateMismatch).map((document) => document.key);
    expect(mismatched).toEqual(['seed page.txt']);
    // Its own text contradicts it; the reposts claim dates within weeks of April 2018, and the seed, whose claim is not
    // believed, gives its cluster no claimed date to judge them against: no earlier-copy verdict.
    expect(report.documents.filter((document) => document.mismatchKinds.length > 0).map((document) => [document.key, document.mismatchKinds])).toEqual([['seed page.txt', ['content']]]);
    expect(report.documents.find((document) => document.key === 'seed page.txt')!.dateEvidence).toMatch(/2021/);
  });

  it('rejects the empty upload with its reason', () => {
    expect(report.documents.find((document) => document.key === 'empty-upload.txt')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/empty/i) });
  });

  it('counts how every upload ended, nothing failed, and exits 0', () => {
    expect(report.totals).toEqual({ recorded: report.documents.length - 1, rejected: 1, failed: 0, deleted: 0 });
    expect(exitCode).toBe(0);
  });
});

describe('run --json: a JSONL scrape is reported record by record', () => {
  it('lists each line as `<key>#L<n>`: two near-duplicate lines in one cluster, the bad line rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-dedup-run-jsonl-'));
    try {
      const seedText = readCorpusBytes(...SEED_PAGE).toString('utf8');
      const reworded = Object.values(repostsOf(seedText))[0]!.toString();
      const lines = [JSON.stringify({ url: 'https://example.org/a', text: seedText }), JSON.stringify({ url: 'https://example.net/b', text: reworded }), '{"url": "https://example.com/c", "text": '];
      writeFileSync(join(dir, 'scrape.jsonl'), `${lines.join('\n')}\n`);

      const output: string[] = [];
      await main(['run', dir, '--json'], (line) => output.push(line));
      const report = JSON.parse(output[0]!) as RunReport;
      const byKey = new Map(report.documents.map((document) => [document.key, document]));

      expect([...byKey.keys()].sort()).toEqual(['scrape.jsonl#L1', 'scrape.jsonl#L2', 'scrape.jsonl#L3']);
      expect(report.clusters).toHaveLength(1);
      expect(report.clusters[0]!.members.map((member) => member.key).sort()).toEqual(['scrape.jsonl#L1', 'scrape.jsonl#L2']);
      expect(byKey.get('scrape.jsonl#L3')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/line 3/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
