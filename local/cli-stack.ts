/** `local` (the embedded stack, up until a signal) and `run` (upload folders, wait, report). */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { documentIdFor, documentKey } from '../functions/store/keys.ts';
import { INDEXES, KEY_PREFIXES } from '../functions/store/schema.ts';
import { deadLetteredKeys } from './pipeline.ts';
import { progressCounter, type ProgressStream } from './progress.ts';
import { collectReport, exitCodeOf, formatReport } from './report.ts';
import { buildSamples } from './samples.ts';
import { LOCAL_DEFAULTS } from './servers.ts';
import { startEmbeddedStack, type EmbeddedStack, type StackOptions } from './stack.ts';
import { CommandFailure } from './store-target.ts';

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

export function describeStack(stack: EmbeddedStack, reportUrl?: string): string[] {
  const { s3Endpoint, dynamoEndpoint } = stack.servers;
  const exampleKey = documentKey(documentIdFor(stack.bucket, 'pages/page.html'));
  const itemKey = JSON.stringify({ pk: { S: exampleKey.pk }, sk: { S: exampleKey.sk } });
  const { accessKeyId, secretAccessKey } = LOCAL_DEFAULTS.credentials;
  const mismatchValue = JSON.stringify({ ':m': { S: KEY_PREFIXES.mismatch } });
  return [
    `S3 (s3rver):         ${s3Endpoint}   bucket ${stack.bucket}`,
    `DynamoDB (dynalite): ${dynamoEndpoint}   table ${stack.tableName}`,
    ...(reportUrl ? [`Report (HTML):       ${reportUrl}   (re-read on each load)`] : []),
    '',
    // s3rver knows one fixed dummy key pair; dynalite accepts any.
    `Try, with these dummy credentials (s3rver accepts only them):`,
    `  export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} AWS_DEFAULT_REGION=${LOCAL_DEFAULTS.region}`,
    `  aws s3 cp page.html s3://${stack.bucket}/pages/page.html --endpoint-url ${s3Endpoint}`,
    `  aws dynamodb get-item --endpoint-url ${dynamoEndpoint} --table-name ${stack.tableName} --key '${itemKey}'`,
    `  aws dynamodb query --endpoint-url ${dynamoEndpoint} --table-name ${stack.tableName} --index-name ${INDEXES.mismatches.indexName} --key-condition-expression "${INDEXES.mismatches.partitionKey} = :m" --expression-attribute-values '${mismatchValue}'`,
    // `archive-dedup` is not on PATH after `npm ci`; npx finds the project's bin.
    `  npx archive-dedup duplicates pages/page.html --endpoint-url ${dynamoEndpoint}`,
    `  npx archive-dedup report --out report.html --endpoint-url ${dynamoEndpoint}`,
  ];
}

/** The report page, rendered from the table on every request (so a reload shows what arrived since). */
async function serveReport(stack: EmbeddedStack, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || (path !== '/' && path !== '/report.html')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the report is at /\n');
      return;
    }
    // The report's modules (esbuild among them) load on the first request, not with the command.
    import('./cli-report.ts')
      .then(({ renderTableReport }) =>
        renderTableReport(
          { dynamo: stack.servers.dynamo, tableName: stack.tableName },
          { title: 'archive-dedup: local stack', source: `local stack, table ${stack.tableName} at ${stack.servers.dynamoEndpoint}`, inProgress: stack.pending() },
        ),
      )
      .then(
        (report) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(report.html),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`the report could not be read: ${error.message}\n`),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** A port that is taken becomes one line naming it (exit 3), not a stack trace. */
function portProblem(error: unknown, options: LocalOptions): Error {
  const cause = ((error as Error).cause ?? error) as NodeJS.ErrnoException & { port?: number };
  if (cause.code !== 'EADDRINUSE' && cause.code !== 'EACCES') return error as Error;
  const port = cause.port ?? '?';
  const which = port === options.s3Port ? 'S3' : port === options.dynamoPort ? 'DynamoDB' : port === options.reportPort ? 'report' : 'a';
  const reason = cause.code === 'EADDRINUSE' ? 'is already in use (is another `archive-dedup local` running?)' : 'may not be opened by this user';
  return new CommandFailure(
    `port ${port} (${which} server) on ${options.host ?? LOCAL_DEFAULTS.host} ${reason}; choose others with --s3-port, --dynamo-port, --report-port`,
    { cause: error },
  );
}

/** Signals that stop `local` cleanly (Ctrl-C, kill, a closed terminal). */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** How often `local` checks that the process that started it (npx, a shell) is still there. */
const PARENT_CHECK_MS = 1000;

export interface LocalOptions extends StackOptions {
  reportPort?: number;
}

/** Start the stack and the report server, and stay up until a stop signal, or until the parent process (npx) is gone. */
export async function localCommand(options: LocalOptions, write: Write): Promise<number> {
  const { reportPort: requestedReportPort, ...stackOptions } = options;
  const host = options.host ?? LOCAL_DEFAULTS.host;
  const wanted = { ...options, s3Port: options.s3Port ?? LOCAL_DEFAULTS.s3Port, dynamoPort: options.dynamoPort ?? LOCAL_DEFAULTS.dynamoPort, reportPort: requestedReportPort ?? LOCAL_DEFAULTS.reportPort };
  const stack = await startEmbeddedStack({ ...stackOptions, onOutcome: (docId, outcome) => write(`${new Date().toISOString()}  ${outcome.padEnd(10)} ${docId}`) }).catch((error: unknown) => {
    throw portProblem(error, wanted);
  });
  let reportServer: Server;
  try {
    reportServer = await serveReport(stack, host, wanted.reportPort);
  } catch (error) {
    await stack.stop();
    throw portProblem(error, wanted);
  }
  const address = reportServer.address();
  const reportUrl = `http://${host}:${typeof address === 'object' && address ? address.port : wanted.reportPort}/`;
  for (const line of describeStack(stack, reportUrl)) write(line);
  write('');
  write('Ready. Uploads are processed as they arrive. Ctrl-C to stop.');
  const signal = await new Promise<string>((resolve) => {
    const handlers = STOP_SIGNALS.map((name) => [name, () => done(name)] as const);
    // `kill` on npx may end it without passing the signal on: an orphan is re-parented, so its ppid changes.
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) done('parent process gone');
    }, PARENT_CHECK_MS);
    watch.unref();
    function done(reason: string): void {
      clearInterval(watch);
      for (const [name, handler] of handlers) process.off(name, handler);
      resolve(reason);
    }
    for (const [name, handler] of handlers) process.once(name, handler);
  });
  write(`stopping (${signal})...`);
  await new Promise<void>((resolve) => {
    reportServer.close(() => resolve());
    reportServer.closeAllConnections();
  });
  await stack.stop();
  write('stopped.');
  return 0;
}

export interface RunOptions extends StackOptions {
  dirs: string[];
  json: boolean;
  /** Also write the HTML report of the run to this file. */
  html?: string;
}

/** Upload every file under the folders (the bundled samples without folders), wait for processing, report. */
export async function runCommand(options: RunOptions, write: Write, progressStream: ProgressStream = process.stderr): Promise<number> {
  const samples = options.dirs.length === 0 ? buildSamples() : null;
  const dirs = samples ? [samples.dir] : options.dirs;
  if (samples && !options.json) write(`Bundled samples: ${samples.note}`);
  const { dirs: _dirs, json: _json, html: _html, ...stackOptions } = options;
  const uploads = dirs.flatMap((dir) => filesUnder(dir).map((file) => ({ file, key: keyFor(dir, file, dirs.length > 1) })));
  // Progress counts objects handled by the ingest (an object's records report one by one; the object counts once).
  const progress = progressCounter('run', { unit: 'files', total: uploads.length, stream: progressStream });
  const handled = new Set<string>();
  const onOutcome = (_docId: string, _outcome: string, objectId: string) => {
    if (handled.has(objectId)) return;
    handled.add(objectId);
    progress.add();
  };
  // Free ports unless given: a run must not collide with a `local` stack on the default ports.
  const stack = await startEmbeddedStack({ ...stackOptions, s3Port: options.s3Port ?? 0, dynamoPort: options.dynamoPort ?? 0, onOutcome });
  try {
    const keys: string[] = [];
    for (const { file, key } of uploads) {
      await stack.servers.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: readFileSync(file) }));
      keys.push(key);
    }
    await stack.whenIdle();
    progress.fail(stack.deadLetters.length);
    progress.finish();
    const report = await collectReport(stack.store, stack.bucket, keys, stack.lastFailure, deadLetteredKeys(stack.deadLetters));
    if (options.html) {
      // Loaded only for --html: the report page bundles its script with esbuild, which a plain run never needs.
      const { renderTableReport, writeWhole } = await import('./cli-report.ts');
      const failures = report.documents.flatMap((document) => (document.status === 'failed' ? [{ key: document.key, reason: document.reason ?? 'failed' }] : []));
      const page = await renderTableReport(
        { dynamo: stack.servers.dynamo, tableName: stack.tableName },
        { title: 'archive-dedup run', source: samples ? 'the bundled samples' : dirs.join(', '), failures },
      );
      writeWhole(options.html, page.html);
    }
    if (options.json) {
      write(JSON.stringify(report));
    } else {
      write(formatReport(report));
      if (options.html) write(`\nHTML report: ${options.html}`);
    }
    return exitCodeOf(report);
  } finally {
    await stack.stop();
    if (samples) rmSync(samples.dir, { recursive: true, force: true });
  }
}
