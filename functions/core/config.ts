/**
 * Every tunable of the pure core, in one place. Callers pass a partial override; `resolveCoreConfig` fills the rest.
 * The figures that justify each default are in the README ("Measured quality").
 */
export const CORE_DEFAULTS = {
  /** Largest object accepted as read from S3 (compressed or not). Larger uploads are rejected, not truncated. */
  maxInputBytes: 16 * 1024 * 1024,
  /** Largest size a gzip member may inflate to; a "gzip bomb" is rejected past this. */
  maxInflatedBytes: 32 * 1024 * 1024,
  /** Hamming distance k within which fingerprints are candidates (Manku et al. 2007: f=64, k=3). */
  maxDistance: 3,
  /** Confirming similarity (estimated shingle Jaccard from the stored sketch) at or above which candidates are near-duplicates. */
  minSimilarity: 0.5,
  /** A claimed date more than this many days after the content's period is a mismatched-date copy. */
  mismatchGapDays: 180,
} as const;

export type CoreConfig = { -readonly [K in keyof typeof CORE_DEFAULTS]: (typeof CORE_DEFAULTS)[K] extends number ? number : (typeof CORE_DEFAULTS)[K] };

export function resolveCoreConfig(overrides: Partial<CoreConfig> = {}): CoreConfig {
  const config: CoreConfig = { ...CORE_DEFAULTS };
  for (const [name, value] of Object.entries(overrides) as [keyof CoreConfig, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`config ${name} must be a non-negative number, got ${value}`);
    config[name] = value;
  }
  return config;
}
