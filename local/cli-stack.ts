/** `local` (the embedded stack, up until a signal) and `run` (upload folders, wait, report). */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { documentIdFor, documentKey } from '../functions/store/keys.ts';
import { INDEXES, KEY_PREFIXES } from '../functions/store/schema.ts';
import { deadLetteredKeys } from './pipeline.ts';
import { collectReport, exitCodeOf, formatReport } from './report.ts';
import { buildSamples } from './samples.ts';
import { LOCAL_DEFAULTS } from './servers.ts';
import { startEmbeddedStack, type EmbeddedStack, type StackOptions } from './stack.ts';

type Write = (line: string) => void;

function filesUnder(dir: string): string[] {
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}

/** Object keys use '/' whatever the platform; several folders keep their names apart. */
function keyFor(dir: string, file: string, severalDirs: boolean): string {
  const inside = statSync(dir).isFile() ? basename(file) : relative(dir, file).split(sep).join('/');
  return severalDirs ? `${basename(dir)}/${inside}` : inside;
}

export function describeStack(stack: EmbeddedStack): string[] {
  const { s3Endpoint, dynamoEndpoint } = stack.servers;
  const exampleKey = documentKey(documentIdFor(stack.bucket, 'pages/page.html'));
  const itemKey = JSON.stringify({ pk: { S: exampleKey.pk }, sk: { S: exampleKey.sk } });
  const { accessKeyId, secretAccessKey } = LOCAL_DEFAULTS.credentials;
  const mismatchValue = JSON.stringify({ ':m': { S: KEY_PREFIXES.mismatch } });
  return [
    `S3 (s3rver):         ${s3Endpoint}   bucket ${stack.bucket}`,
    `DynamoDB (dynalite): ${dynamoEndpoint}   table ${stack.tableName}`,
    '',
    // s3rver knows one fixed dummy key pair; dynalite accepts any.
    `Try, with these dummy credentials (s3rver accepts only them):`,
    `  export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} AWS_DEFAULT_REGION=${LOCAL_DEFAULTS.region}`,
    `  aws s3 cp page.html s3://${stack.bucket}/pages/page.html --endpoint-url ${s3Endpoint}`,
    `  aws dynamodb get-item --endpoint-url ${dynamoEndpoint} --table-name ${stack.tableName} --key '${itemKey}'`,
    `  aws dynamodb query --endpoint-url ${dynamoEndpoint} --table-name ${stack.tableName} --index-name ${INDEXES.mismatches.indexName} --key-condition-expression "${INDEXES.mismatches.partitionKey} = :m" --expression-attribute-values '${mismatchValue}'`,
    `  archive-dedup duplicates pages/page.html --endpoint-url ${dynamoEndpoint}`,
  ];
}

/** Start the stack and stay up until SIGINT/SIGTERM. */
export async function localCommand(options: StackOptions, write: Write): Promise<number> {
  const stack = await startEmbeddedStack({ ...options, onOutcome: (docId, outcome) => write(`${new Date().toISOString()}  ${outcome.padEnd(10)} ${docId}`) });
  for (const line of describeStack(stack)) write(line);
  write('');
  write('Ready. Uploads are processed as they arrive. Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  write('stopping...');
  await stack.stop();
  return 0;
}

export interface RunOptions extends StackOptions {
  dirs: string[];
  json: boolean;
}

/** Upload every file under the folders (the bundled samples without folders), wait for processing, report. */
export async function runCommand(options: RunOptions, write: Write): Promise<number> {
  const samples = options.dirs.length === 0 ? buildSamples() : null;
  const dirs = samples ? [samples.dir] : options.dirs;
  if (samples && !options.json) write(`Bundled samples: ${samples.note}`);
  const { dirs: _dirs, json: _json, ...stackOptions } = options;
  // Free ports unless given: a run must not collide with a `local` stack on the default ports.
  const stack = await startEmbeddedStack({ ...stackOptions, s3Port: options.s3Port ?? 0, dynamoPort: options.dynamoPort ?? 0 });
  try {
    const keys: string[] = [];
    for (const dir of dirs) {
      for (const file of filesUnder(dir)) {
        const key = keyFor(dir, file, dirs.length > 1);
        await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: readFileSync(file) }));
        keys.push(key);
      }
    }
    await stack.whenIdle();
    const report = await collectReport(stack.store, stack.bucket, keys, stack.lastFailure, deadLetteredKeys(stack.deadLetters));
    if (options.json) {
      write(JSON.stringify(report));
    } else {
      write(formatReport(report));
    }
    return exitCodeOf(report);
  } finally {
    await stack.stop();
    if (samples) rmSync(samples.dir, { recursive: true, force: true });
  }
}
