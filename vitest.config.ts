import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak has a run of its own (vitest.soak.config.ts), after this one.
    exclude: ['test/soak/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: spawned servers and brokers need room, so test files run two at a time.
    maxWorkers: 2,
  },
});
