import { describe, expect, it } from 'vitest';
import { createHealthRoute } from '../../../src/web/routes/health.ts';

const up = (name: string) => ({ name, check: () => Promise.resolve() });
const down = (name: string) => ({ name, check: () => Promise.reject(new Error('refused')) });
const hangs = (name: string) => ({ name, check: () => new Promise<void>(() => {}) });

describe('/health and /ready', () => {
  it('/health answers while the process runs, whatever the probes say', async () => {
    const app = createHealthRoute({ groups: [{ anyOf: [down('postgres')] }] });
    expect((await app.request('/health')).status).toBe(200);
  });

  it('is ready when every group has one probe that answers', async () => {
    const app = createHealthRoute({ groups: [{ anyOf: [up('postgres')] }, { anyOf: [down('redis-1'), up('redis-2')] }] });
    const res = await app.request('/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('names every probe of a group that is down, and only those', async () => {
    const app = createHealthRoute({ groups: [{ anyOf: [up('postgres')] }, { anyOf: [down('redis-1'), down('redis-2')] }] });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', down: ['redis-1', 'redis-2'] });
  });

  it('counts a probe that does not answer in time as down', async () => {
    const app = createHealthRoute({ groups: [{ anyOf: [hangs('postgres')] }], timeoutMs: 50 });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', down: ['postgres'] });
  });

  it('lets concurrent callers share one round of probes', async () => {
    let checks = 0;
    const app = createHealthRoute({ groups: [{ anyOf: [{ name: 'postgres', check: async () => void checks++ }] }] });
    await Promise.all(Array.from({ length: 10 }, () => app.request('/ready')));
    expect(checks).toBe(1);
  });
});
