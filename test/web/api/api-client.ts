import type { Hono } from 'hono';

export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

/** Explain's parts for an API app built without the click path: a fixed hash, no GeoIP. */
export const explainParts = {
  nowMs: Date.now,
  explain: { visitorHash: () => 0, detectPlatform: () => 'web' as const, deviceType: () => 'desktop' as const, countryOf: async () => null },
};

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls the app like a tool would: JSON in, JSON out, the API key as a bearer token. */
export function apiClient(app: Hono, apiKey: string | null = TEST_API_KEY) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (apiKey !== null) (init.headers as Record<string, string>).authorization = `Bearer ${apiKey}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await app.request(`/api/v1${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (the reference page): keep the text.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}
