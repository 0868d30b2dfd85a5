import { afterAll, beforeAll } from 'vitest';
import { TEST_API_KEY } from '../web/api/api-client.ts';
import { testDatabaseUrl, testRedisUrl, uniqueKey } from './fixtures.ts';
import { startWebProcess, type RunningProcess } from './processes.ts';

export type WebProcess = RunningProcess & { url: string };
export interface WebPair {
  a: WebProcess;
  b: WebProcess;
}

/**
 * Two web processes on one database, Redis and queue key, as two dynos run: started before
 * the file's tests and stopped after them. A process that started is stopped also when its
 * twin failed to start.
 */
export function twoWebProcesses(): WebPair {
  const pair = {} as WebPair;
  const started: WebProcess[] = [];
  beforeAll(async () => {
    const env = { DATABASE_URL: testDatabaseUrl(), REDIS_URL: testRedisUrl(), REDIS_QUEUE_KEY: uniqueKey(), API_KEY: TEST_API_KEY, LOG_LEVEL: 'info' };
    const results = await Promise.allSettled([startWebProcess(env), startWebProcess(env)]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    [pair.a, pair.b] = started as [WebProcess, WebProcess];
  });
  afterAll(async () => {
    await Promise.all(started.map((web) => web.stop()));
  });
  return pair;
}

/** Calls a running process's admin API with the test key: JSON in, JSON (or nothing, for 204) out. */
export async function callApi(web: WebProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${web.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
}
