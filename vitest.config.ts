import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: spawned servers and brokers need room, so test files run two at a time.
    maxWorkers: 2,
  },
});
