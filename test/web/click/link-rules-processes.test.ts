import { beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_UA, IPHONE_UA, TARGETS, uniqueSlug } from '../../support/fixtures.ts';
import { callApi, twoWebProcesses, type WebProcess } from '../../support/web-pair.ts';

const EXPIRED = 'https://example.com/expired';
const PROPAGATION_LIMIT_MS = 1_000;

async function location(web: WebProcess, slug: string, headers: Record<string, string> = {}): Promise<string | number> {
  const res = await fetch(`${web.url}/t/click/${slug}`, { redirect: 'manual', headers: { 'user-agent': DESKTOP_UA, ...headers } });
  await res.body?.cancel();
  return res.status === 302 ? (res.headers.get('location') ?? '') : res.status;
}

describe('link rules across two web processes', () => {
  let a: WebProcess;
  let b: WebProcess;
  const pair = twoWebProcesses();
  beforeAll(() => {
    ({ a, b } = pair);
  });

  it('max_clicks holds across both processes under concurrent clicks (overshoot measured)', async () => {
    const max = 100;
    const created = await callApi(a, 'POST', '/links', { slug: uniqueSlug('limit'), targets: TARGETS, store_params: false, max_clicks: max, expired_url: EXPIRED });
    expect(created.status).toBe(201);
    const { slug } = created.body;
    // 512 clicks, 256 on each process, 32 in flight on each at any time.
    const answers: (string | number)[] = [];
    const worker = async (web: WebProcess, n: number) => {
      for (let i = 0; i < n; i++) answers.push(await location(web, slug, { 'user-agent': IPHONE_UA }));
    };
    await Promise.all([...Array.from({ length: 32 }, () => worker(a, 8)), ...Array.from({ length: 32 }, () => worker(b, 8))]);
    const sent = answers.filter((l) => l === TARGETS.ios).length;
    const expired = answers.filter((l) => l === EXPIRED).length;
    console.log(`max_clicks ${max}: ${answers.length} concurrent clicks over two processes, ${sent} sent to the target, ${expired} expired; overshoot ${sent - max}`);
    expect(sent + expired).toBe(answers.length);
    // The README states: no overshoot while Redis answers within 250 ms.
    expect(sent).toBe(max);
  });

  it(`a rule change reaches every web process within ${PROPAGATION_LIMIT_MS} ms`, async () => {
    const rules = [{ name: 'german', when: { languages: ['de'] }, target: 'https://de.example/one' }];
    const created = await callApi(a, 'POST', '/links', { slug: uniqueSlug('rules'), targets: TARGETS, rules });
    expect(created.status).toBe(201);
    const { id, slug } = created.body;
    const german = { 'accept-language': 'de-DE' };
    expect(await location(a, slug, german)).toBe('https://de.example/one');
    expect(await location(b, slug, german)).toBe('https://de.example/one');

    const changed = [{ ...rules[0], target: 'https://de.example/two' }];
    expect((await callApi(b, 'PATCH', `/links/${id}`, { rules: changed })).status).toBe(200);
    const started = performance.now();
    const seen = { a: Infinity, b: Infinity };
    while ((seen.a === Infinity || seen.b === Infinity) && performance.now() - started < PROPAGATION_LIMIT_MS * 3) {
      const [la, lb] = await Promise.all([location(a, slug, german), location(b, slug, german)]);
      const now = performance.now() - started;
      if (la === 'https://de.example/two' && seen.a === Infinity) seen.a = now;
      if (lb === 'https://de.example/two' && seen.b === Infinity) seen.b = now;
      await new Promise((r) => setTimeout(r, 10));
    }
    console.log(`rule change seen by process a after ${seen.a.toFixed(0)} ms, by process b after ${seen.b.toFixed(0)} ms`);
    expect(Math.max(seen.a, seen.b)).toBeLessThan(PROPAGATION_LIMIT_MS);
  });
});
