import { randomUUIDv7 } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import { createRedis } from '../../queue/redis-connection.ts';
import type { Logger } from '../../shared/logger.ts';
import { createWriteKeyStore, type WriteKeyStore } from '../../write-keys/write-key-store.ts';
import { createWriteKeyVerifier, type WriteKeyVerifier } from '../../write-keys/write-key-verifier.ts';
import type { IngestRouteDeps } from './ingest-routes.ts';
import { BATCH_MAX_EVENTS } from './ingest-routes.ts';
import { createKeyRateLimit } from './key-rate-limit.ts';
import { createMemoryDedupe, createRedisDedupe } from './message-dedupe.ts';

/** A dedupe answer slower than this is given up: the events are taken unchecked (consumers dedupe). */
export const DEDUPE_TIMEOUT_MS = 250;

export interface IngestSettings {
  /** The dedupe keys live on the first Redis; none (embedded default): in this process. */
  redisUrl: string | undefined;
  /** `<REDIS_QUEUE_KEY>:event_ids:`, so tests and deployments sharing a Redis never share ids. */
  dedupeKeyPrefix: string;
  dedupeWindowSeconds: number;
  keyEventsPerSecond: number;
}

export type IngestParts = Pick<IngestRouteDeps, 'writeKeys' | 'dedupe' | 'rateLimit' | 'newMessageId'> & {
  writeKeyStore: WriteKeyStore;
  writeKeys: WriteKeyVerifier;
  close(): Promise<void>;
};

export function createIngestParts(db: Database, settings: IngestSettings, logger: Logger): IngestParts {
  const store = createWriteKeyStore(db);
  // No offline queue: while Redis is away a dedupe fails at once and the events go on unchecked.
  const redis = settings.redisUrl ? createRedis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 }) : undefined;
  redis?.on('error', () => {}); // reconnects by itself; the click queue's own client logs outages
  let uncheckedLogged = false;
  const dedupe = redis
    ? createRedisDedupe(redis, settings.dedupeKeyPrefix, settings.dedupeWindowSeconds, DEDUPE_TIMEOUT_MS, (err) => {
        if (uncheckedLogged) return;
        uncheckedLogged = true;
        logger.warn({ err }, 'event dedupe: Redis did not answer; events are queued unchecked while it is away, consumers dedupe by message_id (logged once)');
      })
    : createMemoryDedupe(settings.dedupeWindowSeconds);
  return {
    writeKeyStore: store,
    writeKeys: createWriteKeyVerifier(store),
    dedupe,
    rateLimit: createKeyRateLimit(settings.keyEventsPerSecond, BATCH_MAX_EVENTS),
    newMessageId: randomUUIDv7,
    async close() {
      redis?.disconnect();
    },
  };
}
