import { defineConfig } from 'vitest/config';

// The pipeline soak runs on its own after the suite: it loads the machine and stops and
// starts services of its own, which would slow other test files and make its latency
// figures meaningless.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
  },
});
