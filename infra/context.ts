/** Reads deployment options from CDK context (cdk.json `context`, or `-c name=value`, which arrives as a string). */
import type { ArchiveDedupOptions, ArchiveDedupSettings } from './settings.ts';

type ContextReader = (key: string) => unknown;

const STRING_KEYS = ['bucketName', 'watchPrefix', 'encryption', 'removalPolicy'] as const satisfies readonly (keyof ArchiveDedupSettings)[];
const NUMBER_KEYS = [
  'noncurrentVersionExpirationDays', 'maxDistance', 'minSimilarity', 'mismatchGapDays', 'memoryMb', 'timeoutSeconds',
  'reservedConcurrency', 'maxConcurrency', 'batchSize', 'maxBatchingWindowSeconds', 'maxReceiveCount', 'logRetentionDays',
  'oldestMessageAlarmSeconds',
] as const satisfies readonly (keyof ArchiveDedupSettings)[];

/** The context keys this app reads, e.g. `npx cdk deploy -c watchPrefix=pages/ -c maxDistance=3`. */
export const CONTEXT_KEYS: readonly string[] = [...STRING_KEYS, ...NUMBER_KEYS];

/**
 * Options named in context. A value that is not a number where one is expected becomes NaN, so validation reports it
 * by name instead of it being silently dropped.
 */
export function optionsFromContext(read: ContextReader): ArchiveDedupOptions {
  const options: Record<string, string | number> = {};
  for (const key of STRING_KEYS) {
    const value = read(key);
    if (value !== undefined && value !== null && value !== '') options[key] = String(value);
  }
  for (const key of NUMBER_KEYS) {
    const value = read(key);
    if (value === undefined || value === null || value === '') continue;
    options[key] = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  }
  return options as ArchiveDedupOptions;
}
