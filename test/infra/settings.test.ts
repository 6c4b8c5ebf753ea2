/** Secure defaults, the override order, context parsing and the checks every deployment setting must pass. */
import { describe, expect, it } from 'vitest';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CORE_DEFAULTS } from '../../functions/core/config.ts';
import { optionsFromContext } from '../../infra/context.ts';
import { DEFAULT_MAX_CONCURRENCY, resolveSettings, SECURE_DEFAULTS, settingsProblems } from '../../infra/settings.ts';

describe('resolveSettings', () => {
  it('starts from secure defaults that pass every check, with the core thresholds', () => {
    const settings = resolveSettings();
    expect(settingsProblems(settings)).toEqual([]);
    expect(settings).toMatchObject({ watchPrefix: 'raw/', removalPolicy: 'retain', encryption: 's3-managed', memoryMb: 1024, timeoutSeconds: 60 });
    expect(settings.maxDistance).toBe(CORE_DEFAULTS.maxDistance);
    expect(settings.minSimilarity).toBe(CORE_DEFAULTS.minSimilarity);
    expect(settings.mismatchGapDays).toBe(CORE_DEFAULTS.mismatchGapDays);
  });

  it('lets later layers win and never lets undefined override', () => {
    const fromContext = { memoryMb: 512, watchPrefix: 'ctx/' };
    const fromCode = { memoryMb: 2048, watchPrefix: undefined };
    expect(resolveSettings(fromContext, fromCode)).toMatchObject({ memoryMb: 2048, watchPrefix: 'ctx/', timeoutSeconds: SECURE_DEFAULTS.timeoutSeconds });
    expect(SECURE_DEFAULTS.memoryMb).toBe(1024);
  });

  it('bounds concurrent batches by default, and follows a lower reserved concurrency unless maxConcurrency is given', () => {
    expect(resolveSettings().maxConcurrency).toBe(DEFAULT_MAX_CONCURRENCY);
    expect(resolveSettings({ reservedConcurrency: 100 }).maxConcurrency).toBe(DEFAULT_MAX_CONCURRENCY);
    const lowReserved = resolveSettings({ reservedConcurrency: 5 });
    expect(lowReserved.maxConcurrency).toBe(5);
    expect(settingsProblems(lowReserved)).toEqual([]);
    expect(resolveSettings({ reservedConcurrency: 5 }, { maxConcurrency: 8 }).maxConcurrency).toBe(8);
    expect(resolveSettings({ maxConcurrency: 200 }).maxConcurrency).toBe(200);
  });
});

describe('settingsProblems', () => {
  it('names every bad setting at once', () => {
    const problems = settingsProblems(resolveSettings({
      watchPrefix: 'raw', memoryMb: 100, timeoutSeconds: 901, maxDistance: 65, minSimilarity: -0.1, mismatchGapDays: 1.5,
      batchSize: 100, maxBatchingWindowSeconds: 0, reservedConcurrency: 5, maxConcurrency: 8, maxReceiveCount: 0,
      logRetentionDays: 31 as RetentionDays, removalPolicy: 'snapshot' as 'retain', encryption: 'none' as 'kms', bucketName: 'UPPER',
    }));
    for (const name of ['watchPrefix', 'memoryMb', 'timeoutSeconds', 'maxDistance', 'minSimilarity', 'mismatchGapDays', 'batchSize',
      'maxConcurrency (8) must not exceed reservedConcurrency (5)', 'maxReceiveCount', 'logRetentionDays', 'removalPolicy', 'encryption', 'bucketName']) {
      expect(problems.join('\n')).toContain(name);
    }
  });

  it('accepts batches over 10 only with a batching window, and rejects a timeout whose 6x exceeds the SQS limit', () => {
    expect(settingsProblems(resolveSettings({ batchSize: 100, maxBatchingWindowSeconds: 10 }))).toEqual([]);
    expect(settingsProblems(resolveSettings({ batchSize: 100, maxBatchingWindowSeconds: 0 }))).toHaveLength(1);
    expect(settingsProblems(resolveSettings({ timeoutSeconds: 900 }))).toEqual([]);
  });
});

describe('optionsFromContext', () => {
  it('reads -c strings as numbers, typed cdk.json values as they are, and turns junk into a reported NaN', () => {
    const context: Record<string, unknown> = { memoryMb: '2048', timeoutSeconds: 90, watchPrefix: 'pages/', maxDistance: 'three', unrelated: 'x' };
    const options = optionsFromContext((key) => context[key]);
    expect(options).toEqual({ memoryMb: 2048, timeoutSeconds: 90, watchPrefix: 'pages/', maxDistance: Number.NaN });
    expect(settingsProblems(resolveSettings(options))).toEqual(['maxDistance must be an integer from 0 to 64, got NaN']);
  });
});
