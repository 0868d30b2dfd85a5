import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis, testSql } from '../../support/fixtures.ts';
import { startTestRuntime } from '../../support/web-runtime.ts';
import { ADMIN_KEY, basic, createWriteKey, decodeAll, jsonOf, send } from './ingest-helpers.ts';

const sql = testSql();
const redis = testRedis();
afterAll(async () => {
  await sql.end();
  redis.disconnect();
});

let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
let key: string;
let keyId: number;
beforeAll(async () => {
  runtime = await startTestRuntime({ API_KEY: ADMIN_KEY, TRUST_PROXY: '1' });
  ({ key, id: keyId } = await createWriteKey(runtime.app, 'Example iOS app', 'ios'));
});

/** Takes (and removes) what the queue holds, oldest first. */
async function takeQueued() {
  const raw = await redis.lrange(runtime.queueKey, 0, -1);
  await redis.del(runtime.queueKey);
  return decodeAll(raw.reverse());
}

describe('write keys', () => {
  it('are shown once, listed by their prefix only, and stored as a SHA-256', async () => {
    const created = await createWriteKey(runtime.app, 'Shown once', 'android');
    expect(created.key).toMatch(/^wk_[A-Za-z0-9_-]{43}$/);
    const list = await runtime.app.request('/api/v1/write-keys', { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const text = await list.text();
    expect(text).not.toContain(created.key);
    expect(JSON.parse(text).data).toContainEqual(expect.objectContaining({ id: created.id, key_prefix: created.key.slice(0, 11), platform: 'android', revoked_at: null }));
    const rows = await sql`select * from write_keys where id = ${created.id}`;
    expect(rows[0]?.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(created.key);
  });

  it('are described in the OpenAPI document, behind the API key', async () => {
    const doc = await jsonOf(await runtime.app.request('/api/v1/openapi.json'));
    expect(Object.keys(doc.paths['/write-keys']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/write-keys/{id}'])).toEqual(['delete']);
    expect(doc.paths['/write-keys'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(JSON.stringify(doc.components.schemas.CreatedWriteKey)).toMatch(/"required":\[[^\]]*"key"/);
    expect(doc.components.schemas.WriteKey.properties).not.toHaveProperty('key');
  });

  it('refuses a bad create naming the field', async () => {
    const res = await runtime.app.request('/api/v1/write-keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', platform: 'symbian' }),
    });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).message).toMatch(/name: is required.*platform: must be one of ios, android, web, server/);
  });

  it('authenticate by HTTP Basic or by the body writeKey; none or a wrong one is a 401', async () => {
    expect((await send(runtime.app, '/v1/track', key, { event: 'open' })).status).toBe(200);
    expect((await send(runtime.app, '/v1/track', undefined, { event: 'open', writeKey: key })).status).toBe(200);
    const none = await send(runtime.app, '/v1/track', undefined, { event: 'open' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await jsonOf(none)).message).toMatch(/write key/);
    expect((await send(runtime.app, '/v1/track', `wk_${'A'.repeat(43)}`, { event: 'open' })).status).toBe(401);
    expect((await send(runtime.app, '/v1/track', 'not-a-key', { event: 'open' })).status).toBe(401);
    await takeQueued();
  });

  it('cannot call the admin API, as Bearer or as Basic', async () => {
    const asBearer = await runtime.app.request('/api/v1/links', { headers: { authorization: `Bearer ${key}` } });
    expect(asBearer.status).toBe(401);
    const asBasic = await runtime.app.request('/api/v1/write-keys', { headers: { authorization: basic(key) } });
    expect(asBasic.status).toBe(401);
    const create = await runtime.app.request('/api/v1/write-keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', platform: 'ios' }),
    });
    expect(create.status).toBe(401);
  });

  it('stop working once revoked', async () => {
    const other = await createWriteKey(runtime.app, 'To revoke', 'web');
    expect((await send(runtime.app, '/v1/track', other.key, { event: 'open' })).status).toBe(200);
    const revoke = await runtime.app.request(`/api/v1/write-keys/${other.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(revoke.status).toBe(200);
    expect((await jsonOf(revoke)).revoked_at).toEqual(expect.any(String));
    const after = await send(runtime.app, '/v1/batch', other.key, { batch: [{ event: 'open' }] });
    expect(after.status).toBe(401);
    expect((await jsonOf(after)).message).toMatch(/revoked/);
    const missing = await runtime.app.request('/api/v1/write-keys/999999', { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(missing.status).toBe(404);
    await takeQueued();
  });
});

describe('POST /v1/track and /v1/batch', () => {
  it('answers GET /v1/ping with 204', async () => {
    expect((await runtime.app.request('/v1/ping')).status).toBe(204);
  });

  it('queues one line per event in the contract format', async () => {
    const res = await send(
      runtime.app,
      '/v1/track',
      key,
      {
        event: 'purchase',
        messageId: 'msg-line-1',
        timestamp: new Date(Date.now() - 60_000).toISOString(),
        click_id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        idfa: '44566636-6bc5-48de-b4ae-7df9df06b356',
        app_version: '1.2.3',
        revenue: '9.99',
        currency: 'usd',
        properties: { sku: 'gold pack' },
      },
      { 'user-agent': 'ExampleApp/1.2.3 CFNetwork', 'x-forwarded-for': '203.0.113.9' },
    );
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const [line, ...rest] = await takeQueued();
    expect(rest).toHaveLength(0);
    expect(line).toMatchObject({ ip: '203.0.113.9', topic: 'events', type: '/v1/track', userAgent: 'ExampleApp/1.2.3 CFNetwork' });
    expect(Math.abs((line?.ts ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(line?.params).toEqual({
      message_id: 'msg-line-1',
      event: 'purchase',
      timestamp: expect.stringMatching(/^\d{13}$/),
      app_id: String(keyId),
      click_id: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      idfa: '44566636-6BC5-48DE-B4AE-7DF9DF06B356',
      platform: 'ios',
      app_version: '1.2.3',
      revenue: '9.99',
      currency: 'USD',
      properties: '{"sku":"gold pack"}',
    });
  });

  it('takes the accepted events of a batch and names each refused one by index', async () => {
    const res = await send(runtime.app, '/v1/batch', key, {
      batch: [{ event: 'install', messageId: 'p-0' }, { event: 'purchase', revenue: 3, messageId: 'p-1' }, 'junk', { event: 'open', messageId: 'p-3' }],
    });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([
      { index: 1, errors: ['currency: is required with revenue (an ISO 4217 code such as USD)'] },
      { index: 2, errors: ['event: each event must be a JSON object'] },
    ]);
    expect((await takeQueued()).map((l) => l.params.message_id)).toEqual(['p-0', 'p-3']);
  });

  it('generates a UUIDv7 message id when none is sent', async () => {
    await send(runtime.app, '/v1/track', key, { event: 'open' });
    const [line] = await takeQueued();
    expect(line?.params.message_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('counts a retried batch once: the same message ids are not queued twice', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => ({ event: 'install', messageId: `retry-${i}` }));
    const first = await send(runtime.app, '/v1/batch', key, { batch });
    expect(await jsonOf(first)).toEqual({ accepted: 50, duplicates: 0, rejected: [] });
    const again = await send(runtime.app, '/v1/batch', key, { batch });
    expect(await jsonOf(again)).toEqual({ accepted: 50, duplicates: 50, rejected: [] });
    // A repeat inside one batch, and a sendBeacon-style body (text/plain, key in the body).
    const mixed = await runtime.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ writeKey: key, batch: [{ event: 'open', messageId: 'retry-new' }, { event: 'open', messageId: 'retry-new' }, { event: 'open', messageId: 'retry-3' }] }),
    });
    expect(await jsonOf(mixed)).toEqual({ accepted: 3, duplicates: 2, rejected: [] });
    const ids = (await takeQueued()).map((l) => l.params.message_id);
    expect(ids).toHaveLength(51);
    expect(new Set(ids).size).toBe(51);
    expect(await redis.ttl(`${runtime.queueKey}:event_ids:${keyId}:retry-0`)).toBeGreaterThan(86_000);
  });

  it('replaces a skewed timestamp by the server time and keeps the sent one', async () => {
    const sent = '2020-01-01T00:00:00.000Z';
    const before = Date.now();
    await send(runtime.app, '/v1/track', key, { event: 'open', timestamp: sent });
    const [line] = await takeQueued();
    expect(line?.params.original_timestamp).toBe(sent);
    expect(Number(line?.params.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(line?.params.timestamp)).toBeLessThanOrEqual(Date.now());
  });

  it('truncates the address and marks privacy for a sender with Sec-GPC or DNT', async () => {
    await send(runtime.app, '/v1/track', key, { event: 'open' }, { 'x-forwarded-for': '198.51.100.77', dnt: '1' });
    const [line] = await takeQueued();
    expect(line?.ip).toBe('198.51.100.0');
    expect(line?.params.privacy).toBe('1');
  });

  it('refuses what is not JSON (400), a batch that is not a list (400) and the caps (413)', async () => {
    const notJson = await send(runtime.app, '/v1/batch', key, '{"batch": [');
    expect([notJson.status, (await jsonOf(notJson)).error]).toEqual([400, 'invalid_json']);
    const notList = await send(runtime.app, '/v1/batch', key, { batch: { event: 'open' } });
    expect([notList.status, (await jsonOf(notList)).message]).toEqual([400, 'batch: must be an array of events']);
    const empty = await send(runtime.app, '/v1/batch', key, { batch: [] });
    expect(empty.status).toBe(400);
    const tooMany = await send(runtime.app, '/v1/batch', key, { batch: Array.from({ length: 1001 }, () => ({ event: 'o' })) });
    expect([tooMany.status, (await jsonOf(tooMany)).message]).toEqual([413, 'batch: must hold at most 1000 events (holds 1001)']);
    const tooBig = await send(runtime.app, '/v1/batch', key, { batch: [{ event: 'open', properties: { pad: 'x'.repeat(510 * 1024) } }] });
    expect(tooBig.status).toBe(413);
    expect((await jsonOf(tooBig)).message).toMatch(/500 KB/);
    expect(await takeQueued()).toHaveLength(0);
  });

  it('takes a full 1,000-event batch under 500 KB', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ event: 'level_up', properties: { level: i, pad: 'x'.repeat(300) } }));
    const res = await send(runtime.app, '/v1/batch', key, { batch });
    expect(await jsonOf(res)).toMatchObject({ accepted: 1000, rejected: [] });
    expect(await takeQueued()).toHaveLength(1000);
  });

  it('answers a CORS preflight, so web pages may send events', async () => {
    const res = await runtime.app.request('/v1/batch', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('the per-key rate', () => {
  it('answers 429 with Retry-After past the rate, for that key only', async () => {
    const limited = await startTestRuntime({ API_KEY: ADMIN_KEY, INGEST_KEY_EVENTS_PER_S: '10' });
    const a = await createWriteKey(limited.app, 'Limited A');
    const b = await createWriteKey(limited.app, 'Limited B');
    // The bucket holds one full batch (1,000 events), then refills at 10 events/s.
    const full = Array.from({ length: 1000 }, () => ({ event: 'open' }));
    expect((await send(limited.app, '/v1/batch', a.key, { batch: full })).status).toBe(200);
    const over = await send(limited.app, '/v1/batch', a.key, { batch: Array.from({ length: 100 }, () => ({ event: 'open' })) });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(9);
    expect((await jsonOf(over)).error).toBe('too_many_requests');
    expect((await send(limited.app, '/v1/track', b.key, { event: 'open' })).status).toBe(200);
    await redis.del(limited.queueKey);
  });
});
