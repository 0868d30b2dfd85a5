import { describe, expect, it } from 'vitest';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { adminClient } from '../admin/admin-client.ts';
import { apiClient } from './api-client.ts';

const API_KEY = 'guessing-test-key-abcdefghijklmnop';

describe('guessing the API key (real Postgres and Redis, the whole web app)', () => {
  it('refuses an address after 10 wrong keys through the API and the sign-in form together, and only that address', async () => {
    const runtime = await startTestRuntime({ API_KEY, TRUST_PROXY: '1' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const guesser = from('203.0.113.7');
    const wrongApi = apiClient(runtime.app, 'wrong-key');
    const rightApi = apiClient(runtime.app, API_KEY);
    const form = adminClient(runtime.app);

    for (let i = 0; i < 5; i++) expect((await wrongApi('GET', '/links', undefined, guesser)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await form.post('/admin/login', { api_key: `guess-${i}` }, guesser)).status).toBe(401);

    // Even the right key is refused now: a guesser must not learn that it found it.
    const api = await rightApi('GET', '/links', undefined, guesser);
    expect(api.status).toBe(429);
    expect(api.body).toEqual({ error: 'too_many_attempts', message: expect.stringMatching(/too many wrong API keys/) });
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(800);
    const page = await form.post('/admin/login', { api_key: API_KEY }, guesser);
    expect(page.status).toBe(429);
    expect(page.html).toContain('Too many wrong keys were tried from this address');
    expect(page.headers.get('set-cookie')).toBeNull();

    expect((await rightApi('GET', '/links', undefined, from('203.0.113.8'))).status).toBe(200);
    expect((await adminClient(runtime.app).post('/admin/login', { api_key: API_KEY }, from('203.0.113.8'))).status).toBe(303);
  });

  it('counts an IPv6 /64 as one client, since one subscriber usually holds a whole /64', async () => {
    const runtime = await startTestRuntime({ API_KEY, TRUST_PROXY: '1' });
    const wrongApi = apiClient(runtime.app, 'wrong-key');
    for (let i = 0; i < 10; i++) {
      expect((await wrongApi('GET', '/links', undefined, { 'x-forwarded-for': `2001:db8:1:2::${i + 1}` })).status).toBe(401);
    }
    const rightApi = apiClient(runtime.app, API_KEY);
    expect((await rightApi('GET', '/links', undefined, { 'x-forwarded-for': '2001:db8:1:2:ffff::1' })).status).toBe(429);
    expect((await rightApi('GET', '/links', undefined, { 'x-forwarded-for': '2001:db8:1:3::1' })).status).toBe(200);
  });

  it('does not count requests that send no key at all', async () => {
    const runtime = await startTestRuntime({ API_KEY, TRUST_PROXY: '1' });
    const keyless = apiClient(runtime.app, null);
    for (let i = 0; i < 12; i++) expect((await keyless('GET', '/links', undefined, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    expect((await apiClient(runtime.app, API_KEY)('GET', '/links', undefined, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
  });
});
