import type { LinkJson } from '../links/link-schemas.ts';
import { LinkStoreError, type LinkStoreErrorCode } from '../links/link-store-error.ts';
import { errorCodeForStatus } from '../shared/app-error.ts';
import { LINK_FIELD_NAMES, LINK_FIELDS } from '../links/link-fields.ts';
import type { LinkRecord, LinkStore } from '../links/link-store.ts';

/** What the API answers on a refusal (api-errors.ts). */
interface ErrorBody {
  error?: string;
  message?: string;
}

const STORE_CODES: ReadonlySet<string> = new Set<LinkStoreErrorCode>(['invalid', 'not_found', 'conflict']);

export function fromLinkJson(json: LinkJson): LinkRecord {
  const fields = Object.fromEntries(LINK_FIELD_NAMES.map((name) => [LINK_FIELDS[name].column, json[name]]));
  const when = (iso: string | null) => (iso === null ? null : new Date(iso));
  return {
    id: json.id,
    slug: json.slug,
    targets: json.targets,
    ...(fields as Pick<LinkRecord, (typeof LINK_FIELDS)[keyof typeof LINK_FIELDS]['column']>),
    startsAt: when(json.starts_at),
    expiresAt: when(json.expires_at),
    expiredUrl: json.expired_url,
    maxClicks: json.max_clicks,
    rules: json.rules,
    createdAt: new Date(json.created_at),
    updatedAt: new Date(json.updated_at),
  };
}

/**
 * The link store of a running server, through its admin API: what `npm run links` uses
 * while `npm start` has the embedded database open, so both see the same links.
 */
export function createApiLinkStore(baseUrl: string, apiKey: string, fetchImpl: typeof fetch = fetch): LinkStore {
  const api = `${baseUrl.replace(/\/$/, '')}/api/v1`;
  const path = (ref: string) => `/links/${encodeURIComponent(ref)}`;

  async function call<T>(method: string, route: string, body?: unknown): Promise<T | null> {
    const res = await fetchImpl(`${api}${route}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return null;
    const answer = (await res.json().catch(() => ({}))) as T & ErrorBody;
    if (res.ok) return answer;
    const code = errorCodeForStatus(res.status);
    if (code && STORE_CODES.has(code)) throw new LinkStoreError(code as LinkStoreErrorCode, answer.message ?? `${res.status}`);
    throw new Error(`the server at ${baseUrl} answered ${res.status}: ${answer.message ?? answer.error ?? 'no message'}`);
  }

  const link = async (method: string, route: string, body?: unknown) => fromLinkJson((await call<LinkJson>(method, route, body))!);

  return {
    create: (input) => link('POST', '/links', input),
    async find(ref) {
      try {
        return await link('GET', path(ref));
      } catch (err) {
        if (err instanceof LinkStoreError && err.code === 'not_found') return null;
        throw err;
      }
    },
    async list(query) {
      const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
      const page = (await call<{ data: LinkJson[]; next_cursor: string | null; total: number }>('GET', `/links?${params}`))!;
      return { links: page.data.map(fromLinkJson), nextCursor: page.next_cursor, total: page.total };
    },
    update: (ref, patch) => link('PATCH', path(ref), patch),
    async remove(ref) {
      // DELETE answers 204 without the link, which the CLI prints: read it first.
      const current = await link('GET', path(ref));
      await call('DELETE', path(String(current.id)));
      return current;
    },
    restore: (ref) => link('POST', `${path(ref)}/restore`),
  };
}
