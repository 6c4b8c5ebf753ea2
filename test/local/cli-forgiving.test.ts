/**
 * A CLI that forgives mistakes (issue 14): each case is one a new user hit by following the README. Real servers
 * (s3rver, dynalite, the embedded stack), the real bin as a child process where signals or the environment matter.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { main } from '../../local/cli.ts';
import { describeStack } from '../../local/cli-stack.ts';
import { warcUri } from '../../local/export-rows.ts';
import { formatReport, totalsOf } from '../../local/report.ts';
import { buildReportData } from '../../local/report-data.ts';
import { openDocumentReader } from '../../local/pipeline.ts';
import { repostsOf } from '../../local/samples.ts';
import { assertPortFree } from '../../local/servers.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../local/stack.ts';
import { dynamoFor, explainStoreFailure } from '../../local/store-target.ts';
import { readCorpusBytes, SEED_PAGE } from '../support/corpus.ts';
import { freshTable, startTestServers, type LocalServers } from '../support/local-servers.ts';

const BIN = resolve(import.meta.dirname, '../../bin/archive-dedup.mjs');
const run = promisify(execFile);

/** main() in process, with what it printed on stdout (write) and stderr (console.error). */
async function inProcess(...args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const lines: string[] = [];
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void errors.push(parts.join(' ')));
  try {
    const code = await main(args, (line) => lines.push(line));
    return { code, lines, stderr: errors.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

/** The bin as a child, with an environment that has no AWS region, profile or config (as on a fresh machine). */
async function bareBin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'archive-dedup-home-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...env, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return { server, port: (server.address() as AddressInfo).port };
}

let servers: LocalServers;
let table: string;
let dir: string;

beforeAll(async () => {
  servers = await startTestServers();
  table = await freshTable(servers);
  dir = mkdtempSync(join(tmpdir(), 'archive-dedup-forgiving-'));
});
afterAll(async () => {
  await servers?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('store commands say what they tried', () => {
  it('backfill --table nope creates nothing: a missing table is an error that names it (exit 3)', async () => {
    const { code, stderr } = await inProcess('backfill', '--endpoint-url', servers.s3Endpoint, '--dynamo-endpoint', servers.dynamoEndpoint, '--table', 'nope');
    expect(code).toBe(3);
    expect(stderr).toContain('table "nope" not found');
    expect(stderr.split('\n')).toHaveLength(1);
    const { TableNames = [] } = await servers.dynamo.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain('nope');
  });

  it('without --endpoint-url and no region: names real AWS and the missing region, and suggests the local endpoint (exit 3)', async () => {
    for (const command of [['duplicates', 'pages/a.html'], ['mismatches'], ['export', '--format', 'csv'], ['report', '--out', join(dir, 'r.html')]]) {
      const { code, stdout, stderr } = await bareBin(...command);
      expect(code, command.join(' ')).toBe(3);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/no AWS region set: tried real AWS \(the SDK's default endpoint, region not set\)/);
      expect(stderr).toContain('--endpoint-url http://127.0.0.1:4567');
      expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
    }
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  }, 60_000);

  it('when a local stack answers, says so and gives its endpoint', async () => {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    process.env.AWS_CONFIG_FILE = join(dir, 'none');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'none');
    let failure: unknown;
    const client = dynamoFor({});
    try {
      await client.send(new ListTablesCommand({}));
    } catch (error) {
      failure = error;
    } finally {
      client.destroy();
      process.env = saved;
    }
    expect(String(failure)).toMatch(/Region is missing/);
    const message = await explainStoreFailure(failure, {}, servers.dynamoEndpoint);
    expect(message).toContain(`A local stack answers at ${servers.dynamoEndpoint}: add --endpoint-url ${servers.dynamoEndpoint}.`);
  });

  it('the S3 port is "not a DynamoDB endpoint"; a missing table is named', async () => {
    const s3 = await inProcess('mismatches', '--endpoint-url', servers.s3Endpoint);
    expect(s3.code).toBe(3);
    expect(s3.stderr).toContain(`endpoint ${servers.s3Endpoint} is not a DynamoDB endpoint`);
    expect(s3.stderr).not.toContain('SyntaxError');
    const missing = await inProcess('duplicates', 'a.html', '--endpoint-url', servers.dynamoEndpoint, '--table', 'no-such-table');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`table "no-such-table" not found at endpoint ${servers.dynamoEndpoint}`);
  });

  it('export to an unreachable store writes nothing: no file, no header on stdout (exit 3)', async () => {
    const { server, port } = await holdPort();
    await new Promise<void>((done) => server.close(() => done())); // a port nothing listens on
    const out = join(dir, 'export.csv');
    const toFile = await inProcess('export', '--format', 'csv', '--out', out, '--endpoint-url', `http://127.0.0.1:${port}`);
    expect(toFile.code).toBe(3);
    expect(toFile.stderr).toContain(`nothing answers at endpoint http://127.0.0.1:${port}`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith('export.csv'))).toEqual([]);
    const toStdout = await inProcess('export', '--format', 'csv', '--endpoint-url', `http://127.0.0.1:${port}`);
    expect(toStdout.code).toBe(3);
    expect(toStdout.lines).toEqual([]);
    // An empty table still gets its header.
    const empty = await inProcess('export', '--format', 'csv', '--endpoint-url', servers.dynamoEndpoint, '--table', table);
    expect(empty.code).toBe(0);
    expect(empty.lines).toHaveLength(1);
    expect(empty.lines[0]).toMatch(/^docId,bucket,key,/);
  });
});

describe('usage', () => {
  it('no command: usage on stderr with a message that a command is missing, exit 2', async () => {
    const { code, lines, stderr } = await inProcess();
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr).toMatch(/^archive-dedup: a COMMAND is missing/);
    expect(stderr).toContain('usage: archive-dedup COMMAND');
  });

  it('report without --out is a usage error (exit 2)', async () => {
    const { code, stderr } = await inProcess('report');
    expect(code).toBe(2);
    expect(stderr).toContain('report needs --out FILE');
  });
});

describe('run', () => {
  it('the text report names 10 pages without a near-duplicate and counts the rest, instead of one line of hundreds of keys', () => {
    const documents = Array.from({ length: 490 }, (_, index) => ({ key: `page-${index}.html`, clusterId: `raw-pages/page-${index}.html`, original: null, duplicateOf: null, distance: 0, dateMismatch: false, mismatchKinds: [], dateEvidence: null, earlierCopy: null, status: 'recorded', reason: null }));
    const text = formatReport({ documents, clusters: [], totals: totalsOf(documents) });
    const line = text.split('\n').find((candidate) => candidate.startsWith('No near-duplicate'));
    expect(line).toBe(`No near-duplicate (490): ${documents.slice(0, 10).map((document) => document.key).join(', ')}, and 480 more (all in run --json or run --html FILE)`);
  });
});

describe('export', () => {
  it('WARC-Target-URI: spaces and unicode percent-encoded as UTF-8; reserved characters and %XX escapes kept', () => {
    expect(warcUri('s3://raw-pages/pages/my page.html')).toBe('s3://raw-pages/pages/my%20page.html');
    expect(warcUri('https://例え.jp/über café?q=a b&x=%41#top')).toBe('https://%E4%BE%8B%E3%81%88.jp/%C3%BCber%20caf%C3%A9?q=a%20b&x=%41#top');
    expect(warcUri('https://x.org/100%')).toBe('https://x.org/100%25');
    expect(warcUri('https://x.org/a"b<c>')).toBe('https://x.org/a%22b%3Cc%3E');
  });
});

describe('local', () => {
  it('a taken port is one line naming it, exit 3 (S3, DynamoDB and report ports)', async () => {
    const { server, port } = await holdPort();
    try {
      for (const [option, name] of [['--s3-port', 'S3'], ['--dynamo-port', 'DynamoDB'], ['--report-port', 'report']] as const) {
        const args = ['local', '--s3-port', '0', '--dynamo-port', '0', '--report-port', '0'];
        args[args.indexOf(option) + 1] = String(port);
        const { code, stderr } = await inProcess(...args);
        expect(code, option).toBe(3);
        expect(stderr).toBe(`archive-dedup local: port ${port} (${name} server) on 127.0.0.1 is already in use (is another \`archive-dedup local\` running?); choose others with --s3-port, --dynamo-port, --report-port`);
      }
    } finally {
      server.close();
    }
  }, 60_000);

  /** Start `local` on free ports; resolves with its output so far once it is ready. */
  function startLocal(command: string, args: string[]) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    return { child, output, exited };
  }
  const ports = (text: string) => [...text.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1])).slice(0, 3);

  it('SIGHUP stops it cleanly, as Ctrl-C does: servers closed, ports free, exit 0', async () => {
    const local = startLocal(process.execPath, [BIN, 'local', '--s3-port', '0', '--dynamo-port', '0', '--report-port', '0']);
    onTestFinished(() => void (local.child.exitCode === null && local.child.kill('SIGKILL')));
    await vi.waitFor(() => expect(local.output.text).toContain('Ready.'), { timeout: 60_000, interval: 200 });
    const taken = ports(local.output.text);
    expect(taken).toHaveLength(3);
    local.child.kill('SIGHUP');
    expect(await local.exited).toBe(0);
    expect(local.output.text).toContain('stopping (SIGHUP)');
    for (const port of taken) await expect(assertPortFree('127.0.0.1', port)).resolves.toBeUndefined();
  }, 90_000);

  it('when the process that started it dies without passing a signal on (kill -9 of npx or a shell), it stops too', async () => {
    // A shell stands in for npx: killed with SIGKILL, it cannot pass anything on; `local` is re-parented.
    const local = startLocal('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" local --s3-port 0 --dynamo-port 0 --report-port 0; echo "exit $?"`]);
    // If the test fails before the shell is killed, the shell's end still ends `local` (the behaviour under test).
    onTestFinished(() => void (local.child.exitCode === null && local.child.kill('SIGKILL')));
    await vi.waitFor(() => expect(local.output.text).toContain('Ready.'), { timeout: 60_000, interval: 200 });
    const taken = ports(local.output.text);
    local.child.kill('SIGKILL');
    await vi.waitFor(() => expect(local.output.text).toContain('stopped.'), { timeout: 20_000, interval: 200 });
    expect(local.output.text).toContain('stopping (parent process gone)');
    for (const port of taken) await vi.waitFor(() => expect(assertPortFree('127.0.0.1', port)).resolves.toBeUndefined(), { timeout: 10_000 });
  }, 90_000);
});

describe('duplicates KEY', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startEmbeddedStack({ s3Port: 0, dynamoPort: 0 });
    const seed = readCorpusBytes(...SEED_PAGE);
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'seed.txt', Body: seed }));
    await stack.whenIdle();
    const reposts = repostsOf(seed.toString('utf8'));
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'repost.txt', Body: reposts['repost-clean.txt'] }));
    await stack.whenIdle();
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('a page alone (no cluster) is its own original, with no near-duplicates', async () => {
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'alone.txt', Body: 'A note about the village fete, the tombola and the cake stall, nothing like the seed.' }));
    await stack.whenIdle();
    const alone = await inProcess('duplicates', 'alone.txt', '--endpoint-url', stack.servers.dynamoEndpoint);
    expect(alone.code).toBe(0);
    expect(alone.lines.slice(1)).toEqual(['  original: alone.txt', '  no near-duplicates']);
  });

  it('a rejected page (no cluster id) is shown as itself, with no near-duplicates, not as a copy of nothing', async () => {
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'empty.txt', Body: '' }));
    await stack.whenIdle();
    const rejected = await inProcess('duplicates', 'empty.txt', '--endpoint-url', stack.servers.dynamoEndpoint);
    expect(rejected.code).toBe(0);
    expect(rejected.lines[0]).toMatch(/^empty\.txt: rejected/);
    expect(rejected.lines.slice(1)).toEqual(['  original: empty.txt', '  no near-duplicates']);
  });

  it("marks the original's date mismatch, and a deleted original as deleted", async () => {
    const before = await inProcess('duplicates', 'repost.txt', '--endpoint-url', stack.servers.dynamoEndpoint);
    expect(before.code).toBe(0);
    expect(before.lines).toContain('  original: seed.txt  [date mismatch]');
    expect(before.lines).toContain('  copy:     repost.txt  distance 0');

    await stack.servers.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: 'seed.txt' }));
    await stack.whenIdle();
    const after = await inProcess('duplicates', 'repost.txt', '--endpoint-url', stack.servers.dynamoEndpoint);
    expect(after.lines).toContain('  original: seed.txt  [date mismatch]  [deleted]');
    expect(after.lines).toContain('  copy:     repost.txt  distance 0');
    expect(after.lines.filter((line) => line.includes('original:'))).toHaveLength(1);

    // The HTML report shows the same: the cluster under its deleted original, marked deleted, then the copy.
    const data = await buildReportData(openDocumentReader({ dynamo: stack.servers.dynamo, tableName: stack.tableName }), { source: 'test' });
    expect(data.clusters).toHaveLength(1);
    expect(data.clusters[0]!.map((index) => [data.docs[index]!.k, data.docs[index]!.st ?? 'recorded', data.docs[index]!.o ?? 0])).toEqual([
      ['seed.txt', 'deleted', 1],
      ['repost.txt', 'recorded', 0],
    ]);
  });

  it('the hints `local` prints run through npx (archive-dedup is not on PATH after npm ci)', () => {
    const hints = describeStack(stack, 'http://127.0.0.1:4570/').filter((line) => /archive-dedup (duplicates|report|mismatches)/.test(line));
    expect(hints.length).toBeGreaterThanOrEqual(2);
    for (const hint of hints) expect(hint.trim()).toMatch(/^npx archive-dedup /);
  });
});
