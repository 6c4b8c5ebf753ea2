/**
 * The real thing, offline: `npx cdk synth` (cdk.json's app, cdk-nag and CloudFormation validation included) with
 * esbuild bundling the ingest handler, then plain `node` loads the bundle as Lambda would, so a bundle that fails at
 * load time fails CI. The AWS SDK is bundled (issue 7: faster cold start), so the bundle must load in an empty folder.
 * Also checks the bundle against the role: it may send only SDK commands the role allows.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { INGEST_LIST_ACTIONS, INGEST_OBJECT_ACTIONS, INGEST_TABLE_ACTIONS, PROJECT_ROOT, ingestEsbuildOptions } from '../../infra/ingest-function.ts';
import { sdkCommandUse } from './bundle-imports.ts';
import { makeTempRoot } from './cdk-test-app.ts';

/** Issue 7: the deployed bundle should stay under 1.5 MB (cold start and upload time). */
const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;
/** What the role allows: the table and object actions, plus HeadObject, which s3:GetObject covers. */
const ALLOWED_ACTIONS = new Set<string>([...INGEST_TABLE_ACTIONS, ...INGEST_OBJECT_ACTIONS, ...INGEST_LIST_ACTIONS, 's3:HeadObject']);

const root = makeTempRoot('synth');
afterAll(() => root.cleanup());

interface FunctionResource {
  Type: string;
  Properties: { Runtime?: string; Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
  Metadata?: Record<string, string>;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (result.error) throw result.error;
  return result;
}

it('synthesizes offline with real esbuild bundling, and the bundle loads in plain node exporting handler', () => {
  const home = join(root.dir, 'home');
  const tmp = join(root.dir, 'tmp');
  const outdir = join(root.dir, 'cdk.out');
  for (const dir of [home, tmp]) mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    TMPDIR: tmp,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_UPDATE_NOTIFIER: '1',
  };

  const started = Date.now();
  const synth = run('npx', ['cdk', 'synth', '--no-notices', '--quiet', '--output', outdir], PROJECT_ROOT, env);
  expect(synth.status, `cdk synth failed:\n${synth.stdout}\n${synth.stderr}`).toBe(0);
  const synthSeconds = (Date.now() - started) / 1000;

  const template = JSON.parse(readFileSync(join(outdir, 'ArchiveDedup.template.json'), 'utf8')) as { Resources: Record<string, FunctionResource> };
  const ingest = Object.values(template.Resources).find((resource) =>
    resource.Type === 'AWS::Lambda::Function' && resource.Properties.Runtime?.startsWith('nodejs'));
  const assetPath = ingest?.Metadata?.['aws:asset:path'];
  expect(assetPath, 'the ingest function has a bundled asset').toBeTruthy();
  const bundlePath = join(outdir, assetPath as string, 'index.mjs');
  expect(existsSync(bundlePath), `bundle at ${bundlePath}`).toBe(true);
  const bundleBytes = statSync(bundlePath).size;
  const mapPath = `${bundlePath}.map`;
  const mapBytes = existsSync(mapPath) ? statSync(mapPath).size : 0;
  console.log(`[infra] cdk synth ${synthSeconds.toFixed(1)} s; ingest bundle index.mjs ${(bundleBytes / 1024).toFixed(1)} KiB`
    + ` (+ source map ${(mapBytes / 1024).toFixed(1)} KiB); budget ${BUNDLE_BUDGET_BYTES / 1024 / 1024} MB`);

  // A task directory with the bundle alone: no node_modules, so nothing can resolve outside it (the temp root is outside
  // the project, and NODE_PATH is unset below).
  const task = join(root.dir, 'task');
  mkdirSync(task, { recursive: true });
  copyFileSync(bundlePath, join(task, 'index.mjs'));
  if (mapBytes) copyFileSync(mapPath, join(task, 'index.mjs.map'));
  const functionEnv = Object.fromEntries(Object.entries(ingest?.Properties.Environment?.Variables ?? {})
    .map(([name, value]) => [name, typeof value === 'string' ? value : `synth-test-${name.toLowerCase()}`]));
  const load = run(process.execPath, ['--input-type=module', '-e',
    "const m = await import('./index.mjs'); console.log(JSON.stringify({ handler: typeof m.handler }));"], task, {
    PATH: process.env.PATH, HOME: home, TMPDIR: tmp, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'archive-dedup-synth-test', ...functionEnv,
  });
  expect(load.status, `loading the bundle failed:\n${load.stderr}`).toBe(0);
  expect(JSON.parse(load.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ handler: 'function' });

  // The role allows exactly the store's calls; the bundle must not send more (nor any S3 write), and every table
  // action granted is one the bundle sends (least privilege both ways).
  const bundle = readFileSync(bundlePath, 'utf8');
  const externals = [...bundle.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^"';]*?\bfrom\s*)?["']([^"']+)["']/g)]
    .map(([, source]) => source).filter((source) => !source?.startsWith('node:'));
  expect(externals, 'the bundle imports nothing but Node built-ins').toEqual([]);
  const used = sdkCommandUse(bundle);
  console.log(`[infra] SDK actions sent: ${used.actions.join(', ')}; present but unsent: ${used.unsent.join(', ') || 'none'}`);
  expect(used.present, 'the scan recognises the bundled SDK commands').toEqual(expect.arrayContaining(['dynamodb:PutItem', 's3:GetObject']));
  expect(used.actions.filter((action) => !ALLOWED_ACTIONS.has(action)), 'commands the role does not allow').toEqual([]);
  expect(used.actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([...INGEST_TABLE_ACTIONS].sort());

  expect(bundleBytes).toBeLessThan(BUNDLE_BUDGET_BYTES);
});

it('the command scan catches a DynamoDB command the role does not allow (a DeleteCommand added beside the handler)', async () => {
  // The handler plus one store call the role lacks, bundled exactly as deployed: the check above must fail on it.
  const entry = join(root.dir, 'extra-command-entry.ts');
  writeFileSync(entry, [
    `export { handler } from ${JSON.stringify(join(PROJECT_ROOT, 'functions/ingest/handler.ts'))};`,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    'export const forget = (id: string) =>',
    "  DynamoDBDocumentClient.from(new DynamoDBClient({})).send(new DeleteCommand({ TableName: 't', Key: { pk: id, sk: id } }));",
  ].join('\n'));
  const outfile = join(root.dir, 'extra-command', 'index.mjs');
  await build({ ...ingestEsbuildOptions(), entryPoints: [entry], outfile, nodePaths: [join(PROJECT_ROOT, 'node_modules')] });
  const used = sdkCommandUse(readFileSync(outfile, 'utf8'));
  expect(used.actions.filter((action) => !ALLOWED_ACTIONS.has(action))).toEqual(['dynamodb:DeleteItem']);
}, 60_000);
