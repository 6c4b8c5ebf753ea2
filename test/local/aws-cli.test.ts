/**
 * End to end with the real AWS CLI: `archive-dedup local` as a child process on free ports, `aws s3 cp` into it,
 * then `aws dynamodb get-item` / `query` against it. Fails (does not skip) when `aws` is missing: CI installs it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentIdFor, documentKey } from '../../functions/store/keys.ts';
import { DEFAULT_TABLE_NAME, INDEXES, KEY_PREFIXES } from '../../functions/store/schema.ts';
import { LOCAL_DEFAULTS } from '../../local/servers.ts';
import { SAMPLES_DIR } from '../../local/samples.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/archive-dedup.mjs');
// Dummy credentials: s3rver's fixed key pair (it rejects other key ids); dynalite accepts any.
const AWS_ENV = { ...process.env, AWS_ACCESS_KEY_ID: LOCAL_DEFAULTS.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_DEFAULTS.credentials.secretAccessKey, AWS_DEFAULT_REGION: LOCAL_DEFAULTS.region, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' };

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run('aws', [...args, '--output', 'json'], { env: AWS_ENV, timeout: 60_000 });
  return stdout;
}

type AttributeMap = Record<string, { S?: string; BOOL?: boolean; N?: string }>;

/** Poll `aws dynamodb get-item` until the ingest has recorded the object's document (the bridge is asynchronous). */
async function waitForItem(dynamoEndpoint: string, key: string): Promise<AttributeMap | undefined> {
  const itemKey = documentKey(documentIdFor(LOCAL_DEFAULTS.bucket, key));
  const keyJson = JSON.stringify({ pk: { S: itemKey.pk }, sk: { S: itemKey.sk } });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const output = await aws('dynamodb', 'get-item', '--endpoint-url', dynamoEndpoint, '--table-name', DEFAULT_TABLE_NAME, '--key', keyJson, '--consistent-read');
    const found = JSON.parse(output || '{}') as { Item?: AttributeMap };
    if (found.Item) return found.Item;
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  return undefined;
}

/** Start `archive-dedup local` and read the endpoints it prints. */
function startLocal(): Promise<{ child: ChildProcess; s3Endpoint: string; dynamoEndpoint: string }> {
  const child = spawn(process.execPath, [BIN, 'local', '--s3-port', '0', '--dynamo-port', '0', '--report-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`archive-dedup local did not get ready: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const s3 = /S3 \(s3rver\):\s+(http:\/\/\S+)/.exec(output);
      const dynamo = /DynamoDB \(dynalite\):\s+(http:\/\/\S+)/.exec(output);
      if (s3 && dynamo && output.includes('Ready.')) {
        clearTimeout(timer);
        resolvePromise({ child, s3Endpoint: s3[1]!, dynamoEndpoint: dynamo[1]! });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`archive-dedup local exited with ${code}: ${output}`)));
  });
}

describe('the embedded stack driven by the real AWS CLI', () => {
  let local: Awaited<ReturnType<typeof startLocal>>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'archive-dedup-aws-'));
    local = await startLocal();
  });
  afterAll(async () => {
    if (local?.child.exitCode === null) {
      const exited = new Promise((resolveExit) => local.child.once('exit', resolveExit));
      local.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('the AWS CLI is installed (CI installs Debian awscli)', async () => {
    expect(await run('aws', ['--version'], { env: AWS_ENV })).toBeTruthy();
  });

  it('aws s3 cp of a page with a space in its name is recorded; get-item and query find it', async () => {
    const key = 'pages/garden news.html';
    const file = join(dir, 'garden.html');
    copyFileSync(join(SAMPLES_DIR, 'community-garden.html'), file);
    await aws('s3', 'cp', file, `s3://${LOCAL_DEFAULTS.bucket}/${key}`, '--endpoint-url', local.s3Endpoint);

    const item = await waitForItem(local.dynamoEndpoint, key);
    expect(item, 'document item recorded by the ingest').toBeDefined();
    expect(item!.key?.S).toBe(key);
    expect(item!.status?.S).toBe('recorded');
    expect(item!.simhash?.S).toMatch(/^[0-9a-f]{16}$/);

    // A page alone is its own cluster's original (clusterId = its docId) and, alone, in no byCluster entry: the
    // cluster query answers once a copy joins (its root record then stands for the original), the CLI at once.
    expect(item!.clusterId?.S).toBe(`${LOCAL_DEFAULTS.bucket}/${key}`);
    expect(item![INDEXES.byCluster.partitionKey]).toBeUndefined();
    const clusterPk = `${KEY_PREFIXES.cluster}${(item!.clusterId as { S: string }).S}`;
    const members = JSON.parse(
      await aws('dynamodb', 'query', '--endpoint-url', local.dynamoEndpoint, '--table-name', DEFAULT_TABLE_NAME, '--index-name', INDEXES.byCluster.indexName,
        '--key-condition-expression', `${INDEXES.byCluster.partitionKey} = :c`, '--expression-attribute-values', JSON.stringify({ ':c': { S: clusterPk } })),
    ) as { Items: { docId?: { S: string } }[] };
    console.log(`aws-cli e2e: ${key} recorded in ${clusterPk} with ${members.Items.length} index entries`);
    expect(members.Items).toEqual([]);
    const duplicates = await run(process.execPath, [BIN, 'duplicates', key, '--endpoint-url', local.dynamoEndpoint]);
    expect(duplicates.stdout).toContain(`original: ${key}`);
  });

  it('aws s3 cp --recursive of a page and its misdated repost: the mismatches index and the CLI queries show them', async () => {
    const folder = join(dir, 'library');
    mkdirSync(folder);
    for (const name of ['library-reopening.txt', 'library-reopening-repost.txt']) copyFileSync(join(SAMPLES_DIR, name), join(folder, name));
    await aws('s3', 'cp', folder, `s3://${LOCAL_DEFAULTS.bucket}/library/`, '--recursive', '--endpoint-url', local.s3Endpoint);
    expect(await waitForItem(local.dynamoEndpoint, 'library/library-reopening.txt')).toBeDefined();
    expect(await waitForItem(local.dynamoEndpoint, 'library/library-reopening-repost.txt')).toBeDefined();

    const mismatches = JSON.parse(
      await aws('dynamodb', 'query', '--endpoint-url', local.dynamoEndpoint, '--table-name', DEFAULT_TABLE_NAME, '--index-name', INDEXES.mismatches.indexName,
        '--key-condition-expression', `${INDEXES.mismatches.partitionKey} = :m`, '--expression-attribute-values', JSON.stringify({ ':m': { S: KEY_PREFIXES.mismatch } })),
    ) as { Items: { docId?: { S: string }; mismatchKinds?: { L: { S: string }[] }; earlierCopy?: { M: Record<string, { S?: string; N?: string }> } }[] };
    expect(mismatches.Items.map((item) => item.docId?.S)).toEqual([`${LOCAL_DEFAULTS.bucket}/library/library-reopening-repost.txt`]);
    // The repost's text contradicts its January 2023 header, and so does its cluster's original (3 October 2016),
    // whichever of the two the recursive copy uploaded first: one index item, saying both kinds.
    expect(mismatches.Items[0]?.mismatchKinds?.L.map((kind) => kind.S)).toEqual(['content', 'earlier-copy']);
    expect(mismatches.Items[0]?.earlierCopy?.M.original?.S).toBe(`${LOCAL_DEFAULTS.bucket}/library/library-reopening.txt`);
    expect(mismatches.Items[0]?.earlierCopy?.M.gapDays?.N).toBe('2281');

    const duplicates = await run(process.execPath, [BIN, 'duplicates', 'library/library-reopening-repost.txt', '--endpoint-url', local.dynamoEndpoint]);
    console.log(`aws-cli e2e: archive-dedup duplicates ->\n${duplicates.stdout.trim()}`);
    expect(duplicates.stdout).toMatch(/original: library\/library-reopening\.txt\n/);
    expect(duplicates.stdout).toMatch(/copy: +library\/library-reopening-repost\.txt +distance \d+ +\[date mismatch\]/);
    const listed = await run(process.execPath, [BIN, 'mismatches', '--endpoint-url', local.dynamoEndpoint, '--json']);
    const parsed = JSON.parse(listed.stdout) as { mismatches: { key: string; dateEvidence: string }[] };
    expect(parsed.mismatches).toEqual([
      expect.objectContaining({ key: 'library/library-reopening-repost.txt', mismatchKinds: ['content', 'earlier-copy'], dateEvidence: expect.stringContaining('2023') }),
    ]);
    const text = (await run(process.execPath, [BIN, 'mismatches', '--endpoint-url', local.dynamoEndpoint])).stdout;
    console.log(`aws-cli e2e: archive-dedup mismatches ->\n${text.trim()}`);
    expect(text).toMatch(/library-reopening-repost\.txt \[content\]: claims 2023-01 \(header\) but the article covers 2016-10/);
    expect(text).toMatch(/library-reopening-repost\.txt \[earlier-copy\]: claims 2023-01 \(header\), 2281 days after the original of its cluster, raw-pages\/library\/library-reopening\.txt, which claims 2016-10-03 \(header\)/);
  });

  it('aws s3 cp of the same page under two keys: the README\'s exact-duplicates query (byCluster, filtered on contentHash) lists both', async () => {
    const file = join(dir, 'ferry.txt');
    copyFileSync(join(SAMPLES_DIR, 'harbour-ferry.txt'), file);
    for (const key of ['ferry/first.txt', 'ferry/again.txt']) {
      await aws('s3', 'cp', file, `s3://${LOCAL_DEFAULTS.bucket}/${key}`, '--endpoint-url', local.s3Endpoint);
      expect(await waitForItem(local.dynamoEndpoint, key)).toBeDefined();
    }
    // Both recorded: wait until their labels name one cluster (the clustering runs after the document Put).
    let [first, copy]: (AttributeMap | undefined)[] = [];
    for (let attempt = 0; attempt < 50; attempt += 1) {
      [first, copy] = await Promise.all(['ferry/first.txt', 'ferry/again.txt'].map((key) => waitForItem(local.dynamoEndpoint, key)));
      if (first?.clusterId?.S === copy?.clusterId?.S) break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
    expect(copy?.clusterId?.S).toBe(first?.clusterId?.S);
    const exactCopies = async (contentHash: string) =>
      JSON.parse(
        await aws('dynamodb', 'query', '--endpoint-url', local.dynamoEndpoint, '--table-name', DEFAULT_TABLE_NAME, '--index-name', INDEXES.byCluster.indexName,
          '--key-condition-expression', `${INDEXES.byCluster.partitionKey} = :c`, '--filter-expression', 'contentHash = :h',
          '--expression-attribute-values', JSON.stringify({ ':c': { S: `${KEY_PREFIXES.cluster}${copy!.clusterId!.S}` }, ':h': { S: contentHash } }),
          '--projection-expression', 'docId, isOriginal'),
      ) as { Items: { docId?: { S: string } }[] };
    const found = await exactCopies(copy!.contentHash!.S!);
    expect(found.Items.map((item) => item.docId?.S).sort()).toEqual([`${LOCAL_DEFAULTS.bucket}/ferry/again.txt`, `${LOCAL_DEFAULTS.bucket}/ferry/first.txt`]);
    expect((await exactCopies('0'.repeat(64))).Items).toEqual([]);
  });
});
