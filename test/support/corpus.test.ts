/** The rule for tests that read the shared corpus: run when it is there, fail in CI when it is not, skip visibly locally. */
import { describe, expect, it } from 'vitest';
import { corpusForTests } from './corpus.ts';

describe('corpusForTests', () => {
  it('runs the corpus tests when the corpus is present, in CI or not', () => {
    expect(corpusForTests({ present: true, ci: 'true', warn: () => expect.unreachable() })).toBe(true);
    expect(corpusForTests({ present: true, ci: undefined, warn: () => expect.unreachable() })).toBe(true);
  });

  it('throws in CI when the corpus is missing, so the file fails instead of skipping', () => {
    for (const ci of ['true', '1', 'yes']) expect(() => corpusForTests({ present: false, ci, warn: () => {} })).toThrow(/CI must run the corpus tests/);
  });

  it('skips locally with the reason printed', () => {
    for (const ci of [undefined, '', 'false', '0']) {
      const warnings: string[] = [];
      expect(corpusForTests({ present: false, ci, warn: (message) => warnings.push(message) })).toBe(false);
      expect(warnings).toEqual([expect.stringMatching(/evaluation corpus is missing at .*: skipping/)]);
    }
  });
});
