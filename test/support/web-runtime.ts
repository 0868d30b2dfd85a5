import { afterAll } from 'vitest';
import { loadWebConfig } from '../../src/config/web.ts';
import { startWebRuntime, type WebRuntime } from '../../src/web/runtime.ts';
import { silentLogger, testDatabaseUrl, testRedisUrl, uniqueKey } from './fixtures.ts';

/**
 * The production wiring (real Postgres, real Redis) with a queue key of the test's own.
 * Closed after the file's tests.
 */
export async function startTestRuntime(env: Record<string, string> = {}): Promise<WebRuntime & { queueKey: string }> {
  const queueKey = env.REDIS_QUEUE_KEY ?? uniqueKey();
  const config = loadWebConfig({
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    REDIS_QUEUE_KEY: queueKey,
    // A first lookup on a CI machine at load 10+ has taken over the default second, and a
    // click then answers not-found; tests of that answer give the database no chance at all.
    LINK_LOOKUP_TIMEOUT_MS: '10000',
    ...env,
  });
  const runtime = await startWebRuntime(config, silentLogger);
  afterAll(() => runtime.close());
  return { ...runtime, queueKey };
}
