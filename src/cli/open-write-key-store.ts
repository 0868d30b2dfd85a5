import type { WriteKeyStore } from '../write-keys/write-key-store.ts';
import type { OpenedStore } from './open-link-store.ts';

/** The write keys wherever the links were opened: the database itself, or the running server's API. */
export async function writeKeyStoreFor(opened: OpenedStore): Promise<WriteKeyStore> {
  if (opened.db) return (await import('../write-keys/write-key-store.ts')).createWriteKeyStore(opened.db);
  if (opened.api) return (await import('../write-keys/api-write-key-store.ts')).createApiWriteKeyStore(opened.api.url, opened.api.apiKey);
  throw new Error('no database and no server to reach the write keys through');
}
