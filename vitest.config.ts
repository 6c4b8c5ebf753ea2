import { defineConfig } from 'vitest/config';

// The AWS SDK's multi-line notice about Node 22 (due 2027) would bury the test output; forked workers inherit this.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Corpus-wide quality tests and the local servers need more than the 5 s default on a shared 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
