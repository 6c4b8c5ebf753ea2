/**
 * The environment contract of the ingest function, defined once: the variable names, their parse (handler.ts reads
 * `process.env` through `ingestEnvironmentFrom` and `powertoolsNamesFrom` only) and their builder
 * (`ingestEnvironmentVariables`, which infra/ingest-function.ts deploys). infra/ imports this file, never the reverse.
 * test/infra/environment.test.ts checks that the synthesized function sets exactly the variables the handler reads.
 *
 * Not part of the contract: what the Lambda runtime sets (AWS_REGION, credentials), the SDK's own
 * AWS_ENDPOINT_URL_* (clients.ts, for a local S3 / DynamoDB), Powertools' other POWERTOOLS_* switches, and
 * NODE_OPTIONS, which Node reads (infra sets it beside these).
 */
import type { CoreConfig } from '../core/config.ts';
import { DEFAULT_INDEX_LAYOUT_NAME, INDEX_LAYOUT_NAMES, isIndexLayoutName, type IndexLayoutName } from '../store/index.ts';

/** The variables the handler reads, by what they carry. */
export const INGEST_VARIABLES = {
  /** The DynamoDB table (required). */
  tableName: 'TABLE_NAME',
  /** The function's own queue, where ranges of a big WARC / JSONL object and continuations are sent; without it every range runs in the invocation that finds it. */
  queueUrl: 'INGEST_QUEUE_URL',
  /** Only keys under this prefix are ingested. */
  watchPrefix: 'WATCH_PREFIX',
  /** Only events for this bucket are ingested; others are logged and ignored. */
  bucket: 'BUCKET_NAME',
  /** Candidate index layout, one of INDEX_LAYOUT_NAMES; set only when not the store's default; an unknown name fails the first invocation. */
  indexLayout: 'INDEX_LAYOUT',
  /** Powertools' own variables, read here because constructor options win over them. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/**
 * The core thresholds a deployment sets (infra settings and CDK context of the same name), and their variables.
 * maxDistance: SimHash distance cutoff; minSimilarity: confirming similarity; mismatchGapDays: days a claimed date
 * may follow the content before it is a mismatch (defaults and meaning: functions/core/config.ts).
 */
export const THRESHOLD_VARIABLES = {
  maxDistance: 'MAX_DISTANCE',
  minSimilarity: 'MIN_SIMILARITY',
  mismatchGapDays: 'MISMATCH_GAP_DAYS',
} as const satisfies Partial<Record<keyof CoreConfig, string>>;

export type ThresholdName = keyof typeof THRESHOLD_VARIABLES;
export type DeployedThresholds = Pick<CoreConfig, ThresholdName>;
export const THRESHOLD_NAMES = Object.keys(THRESHOLD_VARIABLES) as ThresholdName[];

/** The deployed thresholds of a core configuration (their defaults: `thresholdsOf(CORE_DEFAULTS)`). */
export function thresholdsOf(config: DeployedThresholds): DeployedThresholds {
  return Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, config[name]])) as DeployedThresholds;
}

/** Powertools names when the environment sets none (the deployed function sets these same values). */
export const POWERTOOLS_DEFAULTS = { serviceName: 'archive-dedup-ingest', metricsNamespace: 'ArchiveDedup' } as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** An unset or empty variable is absent. */
function read(env: Environment, variable: string): string | undefined {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : value;
}

export function powertoolsNamesFrom(env: Environment): { serviceName: string; metricsNamespace: string } {
  return {
    serviceName: read(env, INGEST_VARIABLES.serviceName) ?? POWERTOOLS_DEFAULTS.serviceName,
    metricsNamespace: read(env, INGEST_VARIABLES.metricsNamespace) ?? POWERTOOLS_DEFAULTS.metricsNamespace,
  };
}

/** Core threshold overrides from the environment; a value that is not a number is a deployment error. */
export function configFromEnvironment(env: Environment): Partial<CoreConfig> {
  const config: Partial<CoreConfig> = {};
  for (const name of THRESHOLD_NAMES) {
    const variable = THRESHOLD_VARIABLES[name];
    const raw = read(env, variable);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new RangeError(`${variable} must be a number, got "${raw}"`);
    config[name] = value;
  }
  return config;
}

/** The index layout named by INDEX_LAYOUT (undefined: the store's default); an unknown name throws with the valid ones. */
export function indexLayoutFromEnvironment(env: Environment): IndexLayoutName | undefined {
  const raw = read(env, INGEST_VARIABLES.indexLayout);
  if (raw === undefined) return undefined;
  if (!isIndexLayoutName(raw)) throw new RangeError(`${INGEST_VARIABLES.indexLayout} "${raw}" is not an index layout: valid layouts are ${INDEX_LAYOUT_NAMES.join(', ')}`);
  return raw;
}

/** What the ingest is built from, parsed from its environment. */
export interface IngestEnvironment {
  tableName: string;
  queueUrl?: string;
  watchPrefix?: string;
  bucket?: string;
  config: Partial<CoreConfig>;
  indexLayout?: IndexLayoutName;
}

/** The ingest's settings from its environment; a missing table or a malformed value throws (a deployment error). */
export function ingestEnvironmentFrom(env: Environment): IngestEnvironment {
  const tableName = read(env, INGEST_VARIABLES.tableName);
  if (!tableName) throw new Error(`${INGEST_VARIABLES.tableName} is not set: the ingest does not know which DynamoDB table to write`);
  return {
    tableName,
    queueUrl: read(env, INGEST_VARIABLES.queueUrl),
    watchPrefix: read(env, INGEST_VARIABLES.watchPrefix),
    bucket: read(env, INGEST_VARIABLES.bucket),
    config: configFromEnvironment(env),
    indexLayout: indexLayoutFromEnvironment(env),
  };
}

/** What a deployment knows when it builds the function's environment (CDK tokens are strings too). */
export interface IngestDeployment extends DeployedThresholds {
  tableName: string;
  queueUrl: string;
  bucketName: string;
  watchPrefix: string;
  indexLayout: IndexLayoutName;
}

/** The function's environment for a deployment: every variable of the contract, parsed back by `ingestEnvironmentFrom`. */
export function ingestEnvironmentVariables(deployment: IngestDeployment): Record<string, string> {
  return {
    [INGEST_VARIABLES.tableName]: deployment.tableName,
    [INGEST_VARIABLES.queueUrl]: deployment.queueUrl,
    [INGEST_VARIABLES.watchPrefix]: deployment.watchPrefix,
    [INGEST_VARIABLES.bucket]: deployment.bucketName,
    ...Object.fromEntries(THRESHOLD_NAMES.map((name) => [THRESHOLD_VARIABLES[name], String(deployment[name])])),
    // Only a non-default layout is named: the handler's default is the same, and default stacks keep their environment.
    ...(deployment.indexLayout === DEFAULT_INDEX_LAYOUT_NAME ? {} : { [INGEST_VARIABLES.indexLayout]: deployment.indexLayout }),
    [INGEST_VARIABLES.serviceName]: POWERTOOLS_DEFAULTS.serviceName,
    [INGEST_VARIABLES.metricsNamespace]: POWERTOOLS_DEFAULTS.metricsNamespace,
  };
}
