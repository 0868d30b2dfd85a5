import { beforeAll, describe, expect, it } from 'vitest';
import { IPHONE_UA, TARGETS, uniqueSlug } from '../../support/fixtures.ts';
import { callApi, twoWebProcesses, type WebProcess } from '../../support/web-pair.ts';

const PROPAGATION_LIMIT_MS = 1_000;

/** Where the process sends an iPhone now: the iOS target without any added store parameters, or 404. */
async function iphoneTarget(web: WebProcess, slug: string): Promise<string | number> {
  const res = await fetch(`${web.url}/t/click/${slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA } });
  await res.body?.cancel();
  return res.status === 302 ? (res.headers.get('location') ?? '').split('?')[0]! : res.status;
}

/** Polls until `expected` shows up; resolves with how long that took. */
async function timeUntil(read: () => Promise<unknown>, expected: unknown, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await read()) === expected) return performance.now() - started;
    if (performance.now() - started > limitMs * 3) throw new Error(`still not ${String(expected)} after ${limitMs * 3} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('link changes reach every web process', () => {
  let a: WebProcess;
  let b: WebProcess;

  const pair = twoWebProcesses();
  beforeAll(() => {
    ({ a, b } = pair);
  });

  it(`serves an update made through one process from the other's cache within ${PROPAGATION_LIMIT_MS} ms`, async () => {
    const created = await callApi(a, 'POST', '/links', { slug: uniqueSlug('spread'), targets: TARGETS });
    expect(created.status).toBe(201);
    const { id, slug } = created.body;
    // Both processes now hold the link in their caches (no expiry: only a change evicts it).
    expect(await iphoneTarget(a, slug)).toBe(TARGETS.ios);
    expect(await iphoneTarget(b, slug)).toBe(TARGETS.ios);

    const moved = 'https://apps.apple.com/app/id999999999';
    expect((await callApi(a, 'PATCH', `/links/${id}`, { targets: { ios: moved } })).status).toBe(200);
    const elapsed = await timeUntil(() => iphoneTarget(b, slug), moved, PROPAGATION_LIMIT_MS);
    expect(elapsed).toBeLessThan(PROPAGATION_LIMIT_MS);
    expect(await iphoneTarget(a, slug)).toBe(moved);
  });

  it(`stops redirecting a deleted link in every process within ${PROPAGATION_LIMIT_MS} ms`, async () => {
    const created = await callApi(b, 'POST', '/links', { slug: uniqueSlug('gone'), targets: TARGETS });
    const { slug } = created.body;
    expect(await iphoneTarget(a, slug)).toBe(TARGETS.ios);
    expect(await iphoneTarget(b, slug)).toBe(TARGETS.ios);

    expect((await callApi(b, 'DELETE', `/links/${slug}`)).status).toBe(204);
    const elapsed = await timeUntil(() => iphoneTarget(a, slug), 404, PROPAGATION_LIMIT_MS);
    expect(elapsed).toBeLessThan(PROPAGATION_LIMIT_MS);
    expect(await iphoneTarget(b, slug)).toBe(404);
  });
});
