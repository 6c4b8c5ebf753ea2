/**
 * Cold start and size of the ingest function as deployed: bundled with esbuild from infra/ingest-function.ts's own
 * options (ESM, minified, source map, the runtime's Node target, AWS SDK bundled), placed alone in an empty folder and
 * loaded in fresh `node` processes with the function's NODE_OPTIONS, each handling one S3 event against a local
 * s3rver + dynalite. Baselines, same run: an empty node process, and the same bundle with the SDK left external
 * (the runtime's copy; how it was deployed before issue 7), so the ratio is printed.
 * Targets: bundle under 1.5 MB, init (process start + module load) under 300 ms.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { ensureTable } from '../functions/store/index.ts';
import { INGEST_NODE_OPTIONS, RUNTIME_PROVIDED_MODULES, ingestEsbuildOptions } from '../infra/ingest-function.ts';
import { startLocalServers } from '../local/servers.ts';
import { median, printTable, verdict, type Row } from './support/table.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Under node_modules so the SDK-external baseline resolves @aws-sdk/@smithy as the Lambda runtime would provide them. */
const EXTERNAL_OUT_DIR = join(ROOT, 'node_modules', '.cache', 'archive-dedup-bench');
const DRIVER = join(ROOT, 'bench', 'support', 'cold-start-driver.mjs');
const RUNS = 5;
const TARGET = { bundleBytes: 1.5 * 1024 * 1024, initMs: 300 } as const;
/** Bundles the handler with the deployed options (optionally other externals); bytes are index.mjs's, as the synth test counts. */
async function bundle(dir: string, external?: string[]): Promise<{ path: string; bytes: number }> {
  const path = join(dir, 'index.mjs');
  await build({ ...ingestEsbuildOptions(), ...(external ? { external } : {}), outfile: path });
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
  mkdirSync(EXTERNAL_OUT_DIR, { recursive: true });
  const external = await bundle(EXTERNAL_OUT_DIR, [...RUNTIME_PROVIDED_MODULES]);
  // Outside the project: the deployed bundle must not resolve anything from node_modules, as in the Lambda task folder.
  const deployedDir = mkdtempSync(join(tmpdir(), 'archive-dedup-cold-'));
  const deployed = await bundle(deployedDir);

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
      NODE_OPTIONS: INGEST_NODE_OPTIONS,
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
      for (const variant of ['external', 'deployed']) {
        await servers.s3.send(new PutObjectCommand({ Bucket: 'bench-cold', Key: `cold/ingest-${variant}-${run}.html`, Body: page, ContentType: 'text/html' }));
      }
    }
    await measure('baseline: empty node process', null, DRIVER, 'empty');
    const externalRuns = await measure('baseline: ingest, SDK external (runtime copy)', external.bytes, external.path, 'handler', 'external');
    const deployedRuns = await measure('ingest as deployed (SDK bundled)', deployed.bytes, deployed.path, 'handler', 'deployed');
    const initMs = median(deployedRuns.map((run) => run.initMs!));
    const externalInitMs = median(externalRuns.map((run) => run.initMs!));
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
    printTable(`Cold start: fresh node processes (NODE_OPTIONS=${INGEST_NODE_OPTIONS}), median of ${RUNS} (handler: one S3 event against local s3rver + dynalite)`, rows,
      `targets (deployed): bundle < 1.5 MB -> ${mb(deployed.bytes)} ${verdict(deployed.bytes < TARGET.bundleBytes)}; ` +
        `init < ${TARGET.initMs} ms -> ${initMs.toFixed(0)} ms ${verdict(initMs < TARGET.initMs)}; ` +
        `vs SDK external: init ${externalInitMs.toFixed(0)} ms (${(externalInitMs / initMs).toFixed(2)}x the deployed), bundle ${mb(external.bytes)}`);
    return { bundleBytes: deployed.bytes, initMs };
  } finally {
    await servers.stop();
    rmSync(deployedDir, { recursive: true, force: true });
  }
}
