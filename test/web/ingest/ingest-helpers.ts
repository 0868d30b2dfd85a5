import { decodeLine, type EventLine } from '../../../src/shared/click-line.ts';

// Shared by the ingestion tests: a write key made through the admin API, and the
// event lines a test's queue holds.

export const ADMIN_KEY = 'ingest-test-admin-key';

type AppLike = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

export async function createWriteKey(app: AppLike, name = 'Test app', platform = 'ios'): Promise<{ id: number; key: string }> {
  const res = await app.request('/api/v1/write-keys', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, platform }),
  });
  if (res.status !== 201) throw new Error(`creating a write key answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: number; key: string };
}

export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** POSTs JSON with the key as HTTP Basic. */
export function send(app: AppLike, path: '/v1/track' | '/v1/batch', key: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: basic(key) } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function decodeAll(raw: string[]): EventLine[] {
  return raw.map((text) => {
    const decoded = decodeLine(text);
    if (!decoded.ok) throw decoded.error;
    return decoded.line;
  });
}

/** An answer's JSON, loosely typed: the tests assert its shape. */
export const jsonOf = async (res: Response): Promise<any> => res.json();
