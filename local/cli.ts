/**
 * The archive-dedup command line. `main` returns the exit code:
 *   0  success
 *   1  some input could not be processed (fingerprint/compare: a file failed; duplicates: key not found)
 *   2  usage error (unknown command or option, missing argument)
 *   3  the command itself failed (servers could not start, store unreachable)
 */
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
// Commands are imported when run: usage and `fingerprint` start fast and load neither servers nor the AWS SDK.
const analyze = () => import('./cli-analyze.ts');
const query = () => import('./cli-query.ts');
const stack = () => import('./cli-stack.ts');
const backfill = () => import('./cli-backfill.ts');
const exporter = () => import('./cli-export.ts');
const reporter = () => import('./cli-report.ts');
import { LOCAL_DEFAULTS } from './servers.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

const STACK_OPTIONS: Options = {
  's3-port': { type: 'string' },
  'dynamo-port': { type: 'string' },
  host: { type: 'string' },
  'function-timeout': { type: 'string' },
  'function-memory': { type: 'string' },
};
const STORE_OPTIONS: Options = {
  'endpoint-url': { type: 'string' },
  'dynamo-endpoint': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
};

interface Command {
  usage: string;
  options: Options;
  run(parsed: Parsed, write: (line: string) => void): Promise<number> | number;
}

class UsageError extends Error {}

function port(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new UsageError(`--${name} must be a port number (0 = any free port), got "${String(value)}"`);
  return number;
}

function positiveInteger(value: string | boolean | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}, got "${String(value)}"`);
  return number;
}

function stackOptions(values: Parsed['values']) {
  return {
    host: values.host as string | undefined,
    s3Port: port(values['s3-port'], 's3-port'),
    dynamoPort: port(values['dynamo-port'], 'dynamo-port'),
    // Lambda's own bounds; the defaults are the deployed stack's (functions/ingest/function-limits.ts).
    functionTimeoutSeconds: positiveInteger(values['function-timeout'], 'function-timeout', 900),
    functionMemoryMb: positiveInteger(values['function-memory'], 'function-memory', 10240),
  };
}

function storeOptions(values: Parsed['values']) {
  return {
    endpointUrl: (values['endpoint-url'] ?? values['dynamo-endpoint']) as string | undefined,
    tableName: values.table as string | undefined,
    region: values.region as string | undefined,
    bucket: values.bucket as string | undefined,
    json: values.json === true,
  };
}

/** `backfill` and `reindex`: the same walk over the bucket's objects (local/cli-backfill.ts), named after the command. */
function bucketWalk(label: 'backfill' | 'reindex', usage: string): Command {
  return {
    usage,
    options: { bucket: { type: 'string' }, prefix: { type: 'string' }, 'endpoint-url': { type: 'string' }, 'dynamo-endpoint': { type: 'string' }, table: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ values, positionals }, write) => {
      if (positionals.length > 0) throw new UsageError(`${label} takes no arguments, got "${positionals.join(' ')}"`);
      return (await backfill()).backfillCommand(
        {
          endpointUrl: values['endpoint-url'] as string | undefined,
          dynamoEndpoint: values['dynamo-endpoint'] as string | undefined,
          bucket: values.bucket as string | undefined,
          prefix: values.prefix as string | undefined,
          tableName: values.table as string | undefined,
          json: values.json === true,
          label,
        },
        write,
      );
    },
  };
}

const COMMANDS: Record<string, Command> = {
  fingerprint: {
    usage: 'fingerprint FILE...   one JSON line per file: simhash, contentHash, title, dates, ...; a failed file gets {"file","error","code"} (exit 1)',
    options: {},
    run: ({ positionals }, write) => {
      if (positionals.length === 0) throw new UsageError('fingerprint needs at least one FILE');
      return analyze().then((commands) => commands.fingerprintCommand(positionals, write));
    },
  },
  compare: {
    usage: 'compare A B           {"distance","nearDuplicate","similarity"} of two files',
    options: {},
    run: ({ positionals }, write) => {
      if (positionals.length !== 2) throw new UsageError('compare needs exactly two files');
      return analyze().then((commands) => commands.compareCommand(positionals[0]!, positionals[1]!, write));
    },
  },
  local: {
    usage: `local [--s3-port N] [--dynamo-port N] [--report-port N] [--host H] [--function-timeout SECONDS] [--function-memory MB]   embedded S3 + DynamoDB + ingest (ports ${LOCAL_DEFAULTS.s3Port}/${LOCAL_DEFAULTS.dynamoPort}) and the live HTML report (port ${LOCAL_DEFAULTS.reportPort}), until Ctrl-C; each invocation under the function's limits (default 60 s, 1024 MB)`,
    options: { ...STACK_OPTIONS, 'report-port': { type: 'string' } },
    run: async ({ values }, write) => (await stack()).localCommand({ ...stackOptions(values), reportPort: port(values['report-port'], 'report-port') }, write),
  },
  run: {
    usage: 'run [DIR...] [--json] [--html FILE] [--function-timeout SECONDS] [--function-memory MB]  upload the files (or the bundled samples) to an embedded stack and report clusters, mismatches, rejections (--html: also as an HTML report)',
    options: { ...STACK_OPTIONS, json: { type: 'boolean' }, html: { type: 'string' } },
    run: async ({ values, positionals }, write) => {
      const missing = positionals.filter((dir) => !existsSync(dir));
      if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
      return (await stack()).runCommand({ ...stackOptions(values), dirs: positionals, json: values.json === true, html: values.html as string | undefined }, write);
    },
  },
  report: {
    usage: 'report --out FILE [--endpoint-url URL | --table NAME --region R]   one self-contained HTML file: overview, clusters with date timelines, mismatches, filter',
    options: { out: { type: 'string' }, 'endpoint-url': { type: 'string' }, 'dynamo-endpoint': { type: 'string' }, table: { type: 'string' }, region: { type: 'string' } },
    run: async ({ values, positionals }, write) => {
      if (typeof values.out !== 'string' || values.out === '') throw new UsageError('report needs --out FILE (e.g. --out report.html)');
      if (positionals.length > 0) throw new UsageError(`report takes no arguments, got "${positionals.join(' ')}"`);
      const { endpointUrl, tableName, region } = storeOptions(values);
      return (await reporter()).reportCommand({ out: values.out, endpointUrl, tableName, region }, write);
    },
  },
  duplicates: {
    usage: 'duplicates KEY [--bucket B] [--endpoint-url URL | --table NAME --region R] [--json]   the cluster of a document',
    options: { ...STORE_OPTIONS, bucket: { type: 'string' } },
    run: ({ values, positionals }, write) => {
      if (positionals.length !== 1) throw new UsageError('duplicates needs exactly one KEY');
      return query().then((commands) => commands.duplicatesCommand(positionals[0]!, storeOptions(values), write));
    },
  },
  mismatches: {
    usage: 'mismatches [--endpoint-url URL | --table NAME --region R] [--json]   mismatched-date copies with evidence',
    options: STORE_OPTIONS,
    run: async ({ values }, write) => (await query()).mismatchesCommand(storeOptions(values), write),
  },
  backfill: bucketWalk(
    'backfill',
    'backfill [--bucket B] [--prefix P] [--endpoint-url S3_URL] [--dynamo-endpoint URL] [--table NAME] [--json]   ingest every object already in the bucket ' +
      `(default: the local stack, ports ${LOCAL_DEFAULTS.s3Port}/${LOCAL_DEFAULTS.dynamoPort}); progress on stderr; exit 1 if an object failed`,
  ),
  reindex: bucketWalk(
    'reindex',
    'reindex [--bucket B] [--prefix P] [--endpoint-url S3_URL] [--dynamo-endpoint URL] [--table NAME] [--json]   recompute every document fingerprinted ' +
      'with an older fingerprint version (a backfill that re-records only those); progress on stderr; idempotent; exit 1 if an object failed',
  ),
  export: {
    usage: 'export --format csv|jsonl [--out FILE] [--endpoint-url URL | --table NAME --region R]   documents, clusters, and a WARC-revisit-like record per near-duplicate',
    options: { format: { type: 'string' }, out: { type: 'string' }, 'endpoint-url': { type: 'string' }, 'dynamo-endpoint': { type: 'string' }, table: { type: 'string' }, region: { type: 'string' } },
    run: async ({ values, positionals }, write) => {
      const format = values.format as string | undefined;
      if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got ${format === undefined ? 'nothing' : `"${format}"`}`);
      if (positionals.length > 0) throw new UsageError(`export takes no arguments, got "${positionals.join(' ')}"`);
      const { endpointUrl, tableName, region } = storeOptions(values);
      return (await exporter()).exportCommand({ format, out: values.out as string | undefined, endpointUrl, tableName, region }, write);
    },
  },
};

export function usage(): string {
  return [
    'usage: archive-dedup COMMAND [options]   (archive-dedup COMMAND --help for one command)',
    '',
    ...Object.values(COMMANDS).map((command) => `  ${command.usage}`),
    '',
    'exit codes: 0 ok, 1 some input failed, 2 usage error, 3 the command failed',
  ].join('\n');
}

export async function main(argv: string[], write: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(`archive-dedup: a COMMAND is missing (e.g. npx archive-dedup run)\n\n${usage()}`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    write(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      write(`usage: archive-dedup ${command.usage}`);
      return 0;
    }
    return await command.run(parsed, write);
  } catch (error) {
    const usageProblem = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`archive-dedup ${name}: ${(error as Error).message}`);
    if (usageProblem) {
      console.error(`usage: archive-dedup ${command.usage}`);
      return 2;
    }
    return 3;
  }
}
