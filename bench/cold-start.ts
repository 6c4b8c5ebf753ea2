/**
 * Cold start and size of the ingest function: bundled with esbuild as infra/ingest-function.ts bundles it (ESM,
 * minified, platform node, the Lambda runtime's Node target, @aws-sdk/* external as NodejsFunction does by default
 * since the runtime provides it), then loaded in fresh `node` processes that each handle one S3 event against a
 * local s3rver + dynalite. Baseline: an empty node process started the same way, same run.
 * Targets: bundle under 1.5 MB, init (process start + module load) under 300 ms.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { ensureTable } from '../functions/store/index.ts';
import { startLocalServers } from '../local/servers.ts';
import { median, printTable, verdict, type Row } from './support/table.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Under node_modules so the bundle resolves the external @aws-sdk packages as the Lambda runtime would provide them. */
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'archive-dedup-bench');
const DRIVER = join(ROOT, 'bench', 'support', 'cold-start-driver.mjs');
const RUNS = 5;
const TARGET = { bundleBytes: 1.5 * 1024 * 1024, initMs: 300 } as const;
/** Same banner as infra/ingest-function.ts (REQUIRE_BANNER there; not exported). */
const REQUIRE_BANNER = "import { createRequire as __archiveDedupCreateRequire } from 'node:module'; const require = __archiveDedupCreateRequire(import.meta.url);";

async function bundle(name: string, external: string[]): Promise<{ path: string; bytes: number }> {
  const path = join(OUT_DIR, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'functions', 'ingest', 'handler.ts')],
    outfile: path,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    minify: true,
    external,
    logLevel: 'error',
  });
  return { path, bytes: statSync(path).size };
}

interface RunTimes {
  startupMs: number;
  importMs?: number;
  initMs?: number;
  firstEventMs?: number;
  failures?: number;
}

/** Asynchronous on purpose: the local servers live in this process and must keep serving the child. */
async function runDriver(args: string[], env: NodeJS.ProcessEnv): Promise<RunTimes & { wallMs: number }> {
  const start = performance.now();
  const { stdout: output } = await promisify(execFile)(process.execPath, [DRIVER, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const wallMs = performance.now() - start;
  const line = output.split('\n').find((text) => text.startsWith('BENCH '));
  if (!line) throw new Error(`cold-start driver printed no result:\n${output.slice(-2000)}`);
  return { ...(JSON.parse(line.slice('BENCH '.length)) as RunTimes), wallMs };
}

export async function benchColdStart(): Promise<{ bundleBytes: number; initMs: number }> {
  mkdirSync(OUT_DIR, { recursive: true });
  const external = await bundle('ingest-sdk-external', ['@aws-sdk/*']);
  const bundled = await bundle('ingest-sdk-bundled', []);

  const servers = await startLocalServers({ s3Port: 0, dynamoPort: 0, buckets: ['bench-cold'] });
  try {
    const tableName = 'bench-cold-start';
    await ensureTable(servers.dynamo, tableName);
    const page = '<html><head><title>Cold start</title></head><body><article><p>' + 'A small page written by the cold-start benchmark to be ingested once. '.repeat(40) + '</p></article></body></html>';
    const env = {
      PATH: process.env.PATH,
      TABLE_NAME: tableName,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: servers.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: servers.dynamoEndpoint,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_NAMESPACE: 'ArchiveDedupBench',
      POWERTOOLS_DEV: 'false',
    };
    const rows: Row[] = [];
    const measure = async (label: string, bytes: number | null, path: string, mode: 'empty' | 'handler', variant = '') => {
      const runs: (RunTimes & { wallMs: number })[] = [];
      for (let run = 0; run < RUNS; run++) {
        const key = `cold/ingest-${variant}-${run}.html`;
        runs.push(await runDriver([path, 'bench-cold', key, mode], env));
      }
      if (runs.some((run) => (run.failures ?? 0) > 0)) throw new Error(`${label}: the handler reported a failed record`);
      const pick = (field: keyof RunTimes) => (mode === 'empty' ? '' : median(runs.map((run) => run[field] as number)));
      rows.push({
        process: label,
        'bundle KB': bytes === null ? '' : bytes / 1024,
        'node startup ms': median(runs.map((run) => run.startupMs)),
        'module load ms': pick('importMs'),
        'init ms (startup + load)': pick('initMs'),
        'first event ms': pick('firstEventMs'),
        'process wall ms': median(runs.map((run) => run.wallMs)),
      });
      return runs;
    };
    for (let run = 0; run < RUNS; run++) {
      for (const variant of ['external', 'bundled']) {
        await servers.s3.send(new PutObjectCommand({ Bucket: 'bench-cold', Key: `cold/ingest-${variant}-${run}.html`, Body: page, ContentType: 'text/html' }));
      }
    }
    await measure('baseline: empty node process', null, DRIVER, 'empty');
    const externalRuns = await measure('ingest (@aws-sdk external, as deployed)', external.bytes, external.path, 'handler', 'external');
    await measure('ingest (@aws-sdk bundled)', bundled.bytes, bundled.path, 'handler', 'bundled');
    const initMs = median(externalRuns.map((run) => run.initMs!));
    printTable(`Cold start: fresh node processes, median of ${RUNS} (handler: one S3 event against local s3rver + dynalite)`, rows,
      `targets: bundle < 1.5 MB -> ${(external.bytes / 1024 / 1024).toFixed(2)} MB ${verdict(external.bytes < TARGET.bundleBytes)} (SDK bundled: ${(bundled.bytes / 1024 / 1024).toFixed(2)} MB ${verdict(bundled.bytes < TARGET.bundleBytes)}); ` +
        `init < ${TARGET.initMs} ms -> ${initMs.toFixed(0)} ms ${verdict(initMs < TARGET.initMs)}`);
    return { bundleBytes: external.bytes, initMs };
  } finally {
    await servers.stop();
  }
}
