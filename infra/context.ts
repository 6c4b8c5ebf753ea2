/** Reads deployment options from CDK context (cdk.json `context`, or `-c name=value`, which arrives as a string). */
import { THRESHOLD_NAMES } from '../functions/ingest/environment.ts';
import type { ArchiveDedupOptions, ArchiveDedupSettings } from './settings.ts';

type ContextReader = (key: string) => unknown;

const STRING_KEYS = ['bucketName', 'watchPrefix', 'encryption', 'removalPolicy', 'backfillPrefix', 'indexLayout'] as const satisfies readonly (keyof ArchiveDedupSettings)[];
const NUMBER_KEYS = [
  ...THRESHOLD_NAMES, 'noncurrentVersionExpirationDays', 'memoryMb', 'timeoutSeconds',
  'reservedConcurrency', 'maxConcurrency', 'batchSize', 'maxBatchingWindowSeconds', 'maxReceiveCount', 'logRetentionDays',
  'oldestMessageAlarmSeconds', 'backfillBatchSize', 'backfillConcurrency',
] as const satisfies readonly (keyof ArchiveDedupSettings)[];
const BOOLEAN_KEYS = ['backfill'] as const satisfies readonly (keyof ArchiveDedupSettings)[];

/**
 * Options named in context. A value that is not a number where one is expected becomes NaN (where a boolean is
 * expected, it stays a string), so validation reports it by name instead of it being silently dropped.
 */
export function optionsFromContext(read: ContextReader): ArchiveDedupOptions {
  const options: Record<string, string | number | boolean> = {};
  for (const key of STRING_KEYS) {
    const value = read(key);
    if (value !== undefined && value !== null && value !== '') options[key] = String(value);
  }
  for (const key of NUMBER_KEYS) {
    const value = read(key);
    if (value === undefined || value === null || value === '') continue;
    options[key] = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  }
  for (const key of BOOLEAN_KEYS) {
    const value = read(key);
    if (value === undefined || value === null || value === '') continue;
    // `-c backfill=true` arrives as a string; anything but true/false is kept as is, for validation to report.
    options[key] = value === true || value === 'true' ? true : value === false || value === 'false' ? false : String(value);
  }
  return options as ArchiveDedupOptions;
}
