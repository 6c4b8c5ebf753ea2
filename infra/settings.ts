/**
 * The tunables of a deployment, their secure defaults, and the checks they must pass: pure data and functions,
 * no constructs, so they are cheap to test and the construct, the app and the README share one source.
 *
 * Override order (later wins; `undefined` never overrides):
 *   1. SECURE_DEFAULTS below (and the core's CORE_DEFAULTS for the detection thresholds),
 *   2. CDK context: cdk.json `context`, then `-c key=value` on the command line (the CDK CLI merges these two),
 *   3. `options` passed to the construct in code.
 * Settings that would weaken security (public access, plain HTTP, no encryption) are not options at all.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CORE_DEFAULTS } from '../functions/core/config.ts';
import { DEFAULT_INDEX_LAYOUT_NAME, INDEX_LAYOUT_NAMES, isIndexLayoutName, type IndexLayoutName } from '../functions/store/index-layout.ts';
import { thresholdsOf, type DeployedThresholds } from '../functions/ingest/environment.ts';
import { FUNCTION_DEFAULTS } from '../functions/ingest/function-limits.ts';

export type RemovalMode = 'retain' | 'destroy';
export type BucketEncryptionMode = 's3-managed' | 'kms';

/** The core thresholds (maxDistance, minSimilarity, mismatchGapDays) are those of the function's environment contract. */
export interface ArchiveDedupSettings extends DeployedThresholds {
  /** Name of the raw-pages bucket; CloudFormation generates one when absent. */
  bucketName?: string;
  /** Key prefix the pipeline watches, e.g. `raw/`. The function can read under it and never write to the bucket. */
  watchPrefix: string;
  encryption: BucketEncryptionMode;
  /** `retain` (production: buckets, table and logs survive a stack delete; table deletion protection on) or `destroy`. */
  removalPolicy: RemovalMode;
  noncurrentVersionExpirationDays: number;
  /**
   * Candidate index layout (INDEX_LAYOUT): `probed4x16` (the default: 4 items written per page, up to 8 queries per lookup), `bands8x16` (8 and 8),
   * `bands4x16` (4 and 4), `p10x25` (10; far fewer items read from ~10^5 documents on), `p16x28` (16). Fixed for the life of a table: switching needs a fresh table.
   */
  indexLayout: IndexLayoutName;
  memoryMb: number;
  timeoutSeconds: number;
  /** Reserved concurrency of the function; none by default (it shares the account pool). */
  reservedConcurrency?: number;
  /**
   * Most concurrent invocations the SQS event source starts (2..1000). Default DEFAULT_MAX_CONCURRENCY (20), or
   * reservedConcurrency when that is set lower.
   */
  maxConcurrency?: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  logRetentionDays: RetentionDays;
  /** The oldest-message alarm fires when a message has waited this long: the pipeline is falling behind. */
  oldestMessageAlarmSeconds: number;
  /** Create the backfill state machine (Step Functions Distributed Map over the bucket); off by default. */
  backfill: boolean;
  /** What the backfill lists; defaults to watchPrefix, and must lie under it (the function reads and ingests only there). */
  backfillPrefix?: string;
  /** Listed objects per function invocation. Large WARCs take long: keep batches small or raise timeoutSeconds. */
  backfillBatchSize: number;
  /** Concurrent batches (child executions) of the Distributed Map. */
  backfillConcurrency: number;
}

export type ArchiveDedupOptions = Partial<ArchiveDedupSettings>;

/**
 * Default bound on concurrent batches (the SQS event source's maxConcurrency). 20 batches of 10 pages use 2% of an
 * account's default 1,000 concurrent executions, so a bulk upload cannot starve the account's other functions, and
 * keep about 200 pages in flight: at about 100 ms of function time per page, 200 pages/s x 11.9 WRU (README, cost)
 * = 2,400 WRU/s, under the 4,000 WRU/s a new on-demand table sustains without throttling. Raise it for bigger backlogs.
 */
export const DEFAULT_MAX_CONCURRENCY = 20;

export const SECURE_DEFAULTS: ArchiveDedupSettings = {
  watchPrefix: 'raw/',
  encryption: 's3-managed',
  removalPolicy: 'retain',
  noncurrentVersionExpirationDays: 30,
  ...thresholdsOf(CORE_DEFAULTS),
  indexLayout: DEFAULT_INDEX_LAYOUT_NAME,
  // One definition with the embedded stack, which runs each invocation under the same limits (local/invoker.ts).
  memoryMb: FUNCTION_DEFAULTS.memoryMb,
  timeoutSeconds: FUNCTION_DEFAULTS.timeoutSeconds,
  batchSize: 10,
  maxBatchingWindowSeconds: 5,
  maxReceiveCount: FUNCTION_DEFAULTS.maxReceiveCount,
  logRetentionDays: RetentionDays.ONE_MONTH,
  oldestMessageAlarmSeconds: 900,
  backfill: false,
  backfillBatchSize: 10,
  backfillConcurrency: 10,
  maxConcurrency: DEFAULT_MAX_CONCURRENCY,
};

/** SQS visibility timeout is this many times the function timeout (AWS guidance for SQS event sources). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS's largest visibility timeout, 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 60 * 60;
/** A 64-bit SimHash: no two differ in more bits. (The 4-band index guarantees candidates only within 3; see CORE_DEFAULTS.) */
const SIMHASH_BITS = 64;

/** Merges the layers over SECURE_DEFAULTS in order, later layers winning; `undefined` values are skipped. */
export function resolveSettings(...layers: ArchiveDedupOptions[]): ArchiveDedupSettings {
  const settings: ArchiveDedupSettings = { ...SECURE_DEFAULTS };
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      if (value !== undefined) (settings as unknown as Record<string, unknown>)[name] = value;
    }
  }
  // The default bound follows a lower reserved concurrency (a bound above it would throttle messages back to the queue).
  const maxConcurrencyGiven = layers.some((layer) => layer.maxConcurrency !== undefined);
  if (!maxConcurrencyGiven && settings.reservedConcurrency !== undefined && settings.reservedConcurrency < DEFAULT_MAX_CONCURRENCY) {
    settings.maxConcurrency = Math.max(2, settings.reservedConcurrency);
  }
  return settings;
}

/** Every problem with the settings, one sentence each; empty when they can be deployed. */
export function settingsProblems(settings: ArchiveDedupSettings): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  const isInt = (value: unknown, min: number, max: number): boolean =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

  if (settings.bucketName !== undefined) {
    check(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(settings.bucketName) && !settings.bucketName.includes('..'),
      `bucketName "${settings.bucketName}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`);
  }
  check(typeof settings.watchPrefix === 'string' && /^[A-Za-z0-9!_.*'()\-][A-Za-z0-9!_.*'()\-/]*\/$/.test(settings.watchPrefix),
    `watchPrefix "${settings.watchPrefix}" must be a non-empty key prefix ending in "/" and not starting with "/" (e.g. "raw/")`);
  check(settings.encryption === 's3-managed' || settings.encryption === 'kms', `encryption must be "s3-managed" or "kms", got "${settings.encryption}"`);
  check(settings.removalPolicy === 'retain' || settings.removalPolicy === 'destroy', `removalPolicy must be "retain" or "destroy", got "${settings.removalPolicy}"`);
  check(isInt(settings.noncurrentVersionExpirationDays, 1, 3650), `noncurrentVersionExpirationDays must be an integer from 1 to 3650, got ${settings.noncurrentVersionExpirationDays}`);
  check(isInt(settings.maxDistance, 0, SIMHASH_BITS), `maxDistance must be an integer from 0 to ${SIMHASH_BITS}, got ${settings.maxDistance}`);
  check(typeof settings.minSimilarity === 'number' && settings.minSimilarity >= 0 && settings.minSimilarity <= 1,
    `minSimilarity must be a number from 0 to 1, got ${settings.minSimilarity}`);
  check(isInt(settings.mismatchGapDays, 0, 36500), `mismatchGapDays must be a non-negative integer, got ${settings.mismatchGapDays}`);
  check(isIndexLayoutName(settings.indexLayout), `indexLayout must be one of ${INDEX_LAYOUT_NAMES.join(', ')}, got "${settings.indexLayout}"`);
  check(isInt(settings.memoryMb, 128, 10240), `memoryMb must be an integer from 128 to 10240, got ${settings.memoryMb}`);
  check(isInt(settings.timeoutSeconds, 1, 900), `timeoutSeconds must be an integer from 1 to 900, got ${settings.timeoutSeconds}`);
  check(settings.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR <= MAX_VISIBILITY_TIMEOUT_SECONDS,
    `timeoutSeconds x ${VISIBILITY_TIMEOUT_FACTOR} must fit the SQS visibility timeout limit of ${MAX_VISIBILITY_TIMEOUT_SECONDS} s`);
  if (settings.reservedConcurrency !== undefined) {
    check(isInt(settings.reservedConcurrency, 1, 10000), `reservedConcurrency must be a positive integer, got ${settings.reservedConcurrency}`);
  }
  if (settings.maxConcurrency !== undefined) {
    check(isInt(settings.maxConcurrency, 2, 1000), `maxConcurrency must be an integer from 2 to 1000, got ${settings.maxConcurrency}`);
    if (settings.reservedConcurrency !== undefined) {
      check(settings.maxConcurrency <= settings.reservedConcurrency,
        `maxConcurrency (${settings.maxConcurrency}) must not exceed reservedConcurrency (${settings.reservedConcurrency}), or messages are throttled back to the queue`);
    }
  }
  check(isInt(settings.maxBatchingWindowSeconds, 0, 300), `maxBatchingWindowSeconds must be an integer from 0 to 300, got ${settings.maxBatchingWindowSeconds}`);
  const batchLimit = settings.maxBatchingWindowSeconds > 0 ? 10000 : 10;
  check(isInt(settings.batchSize, 1, batchLimit), `batchSize must be an integer from 1 to ${batchLimit} (more than 10 needs a batching window), got ${settings.batchSize}`);
  check(isInt(settings.maxReceiveCount, 1, 1000), `maxReceiveCount must be an integer from 1 to 1000, got ${settings.maxReceiveCount}`);
  check((Object.values(RetentionDays) as unknown[]).includes(settings.logRetentionDays),
    `logRetentionDays must be one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, 60, 90, ...), got ${settings.logRetentionDays}`);
  check(isInt(settings.oldestMessageAlarmSeconds, 60, 1209600), `oldestMessageAlarmSeconds must be an integer from 60 to 1209600, got ${settings.oldestMessageAlarmSeconds}`);
  check(typeof settings.backfill === 'boolean', `backfill must be true or false, got ${String(settings.backfill)}`);
  if (settings.backfillPrefix !== undefined) {
    check(typeof settings.backfillPrefix === 'string' && settings.backfillPrefix.startsWith(settings.watchPrefix),
      `backfillPrefix "${settings.backfillPrefix}" must start with watchPrefix "${settings.watchPrefix}": the function reads and ingests only under it`);
  }
  check(isInt(settings.backfillBatchSize, 1, 1000), `backfillBatchSize must be an integer from 1 to 1000, got ${settings.backfillBatchSize}`);
  check(isInt(settings.backfillConcurrency, 1, 10000), `backfillConcurrency must be an integer from 1 to 10000, got ${settings.backfillConcurrency}`);
  return problems;
}
