/**
 * `archive-dedup reindex` on a table filled with an older fingerprint version (s3rver + dynalite): every such
 * document is recomputed, with progress, and clustered among current ones; a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzePage } from '../../functions/core/analyze.ts';
import { FINGERPRINT_VERSION } from '../../functions/core/fingerprint.ts';
import { createStore } from '../../functions/store/index.ts';
import { runBackfill } from '../../local/cli-backfill.ts';
import { main } from '../../local/cli.ts';
import { readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';
import { upload } from '../ingest/s3-events.ts';

let servers: LocalServers;
let table: string;

beforeAll(async () => {
  servers = await startTestServers();
  table = await freshTable(servers, 'reindex');
});
afterAll(async () => {
  await servers?.stop();
});

/** A stderr stand-in: what the progress lines said. */
function captureStream(): { isTTY: boolean; columns: number; text: string; write(chunk: string): boolean } {
  return { isTTY: false, columns: 100, text: '', write(chunk) { this.text += chunk; return true; } };
}

describe('reindex', () => {
  it('recomputes the documents of an older fingerprint version, clusters them anew, and is idempotent', async () => {
    const seed = readCorpusBytes(...SEED_PAGE).toString('utf8');
    const pages = { 'pages/seed.txt': seed, 'pages/copy.txt': seed.replace('besieged', 'encircled') };
    // What a version-1 deployment recorded: real events, fingerprints of the old version, each page its own cluster
    // (distinct SimHashes far apart, so they never met).
    const store = createStore({ client: servers.dynamo, tableName: table });
    const oldSimhashes = ['0123456789abcdef', 'fedcba9876543210'];
    let index = 0;
    for (const [key, text] of Object.entries(pages)) {
      const record = await upload(servers.s3, key, text);
      const analysis = { ...analyzePage(new TextEncoder().encode(text), { fileName: key }), fingerprintVersion: 1, simhash: oldSimhashes[index++]! };
      await store.recordDocument({ bucket: 'raw-pages', key, sequencer: record.s3.object.sequencer, eTag: record.s3.object.eTag, size: record.s3.object.size, eventTime: record.eventTime }, analysis);
    }
    expect((await store.getDocument('raw-pages/pages/copy.txt'))?.clusterId).toBe('raw-pages/pages/copy.txt');

    const progress = captureStream();
    const summary = await runBackfill({ s3: servers.s3, dynamo: servers.dynamo, tableName: table, bucket: 'raw-pages', prefix: 'pages/', label: 'reindex' }, progress);
    expect(summary).toMatchObject({ listed: 2, processed: 2, failed: [], outcomes: { reindexed: 2 } });
    expect(progress.text).toMatch(/reindex s3:\/\/raw-pages\/pages\/.*2\/2/s);
    for (const key of Object.keys(pages)) expect(await store.getDocument(`raw-pages/${key}`)).toMatchObject({ fingerprintVersion: FINGERPRINT_VERSION });
    const copy = await store.getDocument('raw-pages/pages/copy.txt');
    const seedDoc = await store.getDocument('raw-pages/pages/seed.txt');
    expect(copy?.clusterId).toBe(seedDoc?.clusterId); // near-duplicates again, now under the current version

    // Second run, through the command line: nothing left of an older version, nothing changes.
    const lines: string[] = [];
    const args = ['reindex', '--endpoint-url', servers.s3Endpoint, '--dynamo-endpoint', servers.dynamoEndpoint, '--table', table, '--prefix', 'pages/', '--json'];
    expect(await main(args, (line) => lines.push(line))).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ listed: 2, processed: 2, outcomes: { stale: 2 } });
  });
});
