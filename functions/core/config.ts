/**
 * Every tunable of the pure core, in one place. Callers pass a partial override; `resolveCoreConfig` fills the rest.
 * The figures that justify each default are in the README ("Measured quality").
 */
export const CORE_DEFAULTS = {
  /** Largest object accepted as read from S3 (compressed or not). Larger uploads are rejected, not truncated. */
  maxInputBytes: 16 * 1024 * 1024,
  /** Largest size a gzip member may inflate to; a "gzip bomb" is rejected past this. */
  maxInflatedBytes: 32 * 1024 * 1024,
  /**
   * Optional SimHash cutoff of the near-duplicate decision, off by default (64). The decision is made on the shingle
   * sketches: a distance cutoff rejected real near-duplicates of similarity 0.85+ whose SimHashes were 11+ bits apart.
   * Candidates still come from the SimHash index (within 3 bits guaranteed, most pairs up to about 7).
   */
  maxDistance: 64,
  /**
   * Near-duplicates when the estimated shingle Jaccard is at least this. Chosen with minContainment and
   * minContainedJaccard by 5-fold cross-validation (test/core/near-duplicates.test.ts prints held-out figures and
   * checks these are the values the same search picks on all the data).
   */
  minSimilarity: 0.7,
  /** ...or when the smaller document's shingles are at least this contained in the larger (a cut ending, appended text)... */
  minContainment: 0.9,
  /** ...and their Jaccard is still at least this: a short page that is mostly a shared site template is not a copy. */
  minContainedJaccard: 0.5,
  /** A claimed date more than this many days after the content's period is a mismatched-date copy. */
  mismatchGapDays: 180,
  /**
   * Deepest element nesting parsed at all; deeper markup is rejected as `unsupported` before parsing. The parser's
   * cost grows with the square of the depth (20,000 levels: 0.1 s; 80,000: 9 s); real pages nest at most ~50 deep.
   */
  maxHtmlDepth: 20_000,
  /**
   * Deepest DOM given to Readability, which is super-linear in depth (250 levels: 0.9 s, 1,000: 18 s, 2,000: 92 s).
   * Deeper pages use the fallback extraction (visible block text minus page furniture). Real pages: at most ~50.
   */
  maxReadabilityDepth: 200,
  /**
   * Largest page (elements, from the pre-scan) that is parsed into a DOM for Readability. Real pages hold at most
   * ~6,100 elements (703 corpus pages); a DOM costs ~1.5 KB and Readability ~25 us per element, and grows
   * super-linearly (a 2 MB table of 190,000 cells: 5.4 s, 350 MB). Larger pages take the streaming extraction
   * (functions/core/plan.ts), linear in the markup and holding only the text.
   */
  maxDomElements: 30_000,
  /** Largest HTML (characters) parsed into a DOM, whatever its element count (largest corpus page: 1.5 M). */
  maxDomHtmlChars: 4 * 1024 * 1024,
  /**
   * Most elements the streaming extraction reads: above this a page is rejected as `too-complex`. Every uncompressed
   * page under maxInputBytes fits (`<b>` x 16 MiB is 5.6 M); only gzip-inflated pages denser than that are refused.
   * Streaming 4 M elements (16 MB of `<td>1`) takes ~10 s on the project's loaded 2-core machine (README, bench).
   */
  maxStreamingElements: 6_000_000,
  /** Characters from the start of a streamed page parsed into a small DOM for its title, canonical URL and claimed date. */
  streamingHeadChars: 128 * 1024,
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
