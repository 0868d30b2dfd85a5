import { AppError, errorCodeForStatus } from '../shared/app-error.ts';
import type { CreatedWriteKey } from './write-key.ts';
import { fromWriteKeyJson, type WriteKeyJson } from './write-key-schemas.ts';
import type { WriteKeyStore } from './write-key-store.ts';

/**
 * The write keys of a running server, through its admin API: what `npm run links --
 * write-keys` uses while `npm start` has the embedded database open.
 */
export function createApiWriteKeyStore(baseUrl: string, apiKey: string, fetchImpl: typeof fetch = fetch): WriteKeyStore {
  const api = `${baseUrl.replace(/\/$/, '')}/api/v1/write-keys`;
  async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetchImpl(url, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await res.json().catch(() => ({}))) as T & { message?: string };
    if (res.ok) return answer;
    const code = errorCodeForStatus(res.status);
    if (code === 'invalid' || code === 'not_found') throw new AppError(code, answer.message ?? String(res.status));
    throw new Error(`the server at ${baseUrl} answered ${res.status}: ${answer.message ?? 'no message'}`);
  }
  return {
    async create(input): Promise<CreatedWriteKey> {
      const json = await call<WriteKeyJson & { key: string }>('POST', api, input);
      return { record: fromWriteKeyJson(json), key: json.key };
    },
    async list() {
      return (await call<{ data: WriteKeyJson[] }>('GET', api)).data.map(fromWriteKeyJson);
    },
    async revoke(id) {
      return fromWriteKeyJson(await call<WriteKeyJson>('DELETE', `${api}/${id}`));
    },
  };
}
