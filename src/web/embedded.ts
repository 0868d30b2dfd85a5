import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { campaignLinks } from '../db/schema.ts';
import type { ClickStore } from '../queue/click-store.ts';
import type { MemoryQueue } from '../queue/memory-queue.ts';
import { createRedisClickStore } from '../queue/redis-click-store.ts';
import type { Logger } from '../shared/logger.ts';
import type { WorkerRuntime } from '../worker/runtime.ts';
import type { WebConfig } from '../config/web.ts';

/** The parts the web process runs on: production services, or embedded stand-ins. */
export interface WebParts {
  database: DatabaseHandle;
  stores: ClickStore[];
  apiKey: string | undefined;
  /** What runs in-process for lack of a setting, for the start banner. */
  embedded: { database: boolean; queue: boolean; sink: boolean; apiKeyFile?: string };
  /** Stops the in-process worker (embedded queue only). */
  close(): Promise<void>;
}

export const DEMO_SLUG = 'demo';

/** Kept in the data folder so the key a person copied still works after a restart. */
function apiKeyFromFile(dataDir: string): { key: string; file: string } {
  const file = join(dataDir, 'api-key');
  try {
    return { key: readFileSync(file, 'utf8').trim(), file };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(24).toString('base64url');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return { key, file };
  }
}

async function seedDemoLink(database: DatabaseHandle): Promise<void> {
  await database.db
    .insert(campaignLinks)
    .values({
      slug: DEMO_SLUG,
      campaign: 'demo',
      network: 'readme',
      targets: {
        ios: 'https://apps.apple.com/app/id375380948',
        android: 'https://play.google.com/store/apps/details?id=com.google.android.apps.maps',
        default: 'https://example.com/',
      },
    })
    .onConflictDoNothing();
}

/**
 * Each part is embedded only when its setting is missing, and never in production (the
 * config refuses to start there first). The embedded queue comes with an in-process
 * worker that runs the same drain and enrichment code as `npm run worker`.
 */
export async function openWebParts(config: WebConfig, logger: Logger): Promise<WebParts> {
  const database = await openDatabase(config, { connectTimeoutSeconds: 3 });
  if (database.kind === 'embedded') await seedDemoLink(database);

  const apiKey = config.API_KEY ? { key: config.API_KEY, file: undefined } : apiKeyFromFile(config.DATA_DIR);
  let worker: WorkerRuntime | undefined;
  let memoryQueue: MemoryQueue | undefined;
  let stores: ClickStore[];
  if (config.redisUrls.length > 0) {
    stores = config.redisUrls.map((url) => createRedisClickStore(url, { queueKey: config.REDIS_QUEUE_KEY }));
  } else {
    // Imported here, not at the top: the worker brings Kafka, GeoIP and UA parsing, which
    // a web process with `REDIS_URL` never runs and should not hold in memory.
    const [{ MemoryQueue }, { startWorkerRuntime }, { sinkFor }, { withStats }, { createVisitorHasher }, { createMemoryParkingLot }] = await Promise.all([
      import('../queue/memory-queue.ts'),
      import('../worker/runtime.ts'),
      import('../worker/sink/sink-for.ts'),
      import('../stats/stats-sink.ts'),
      import('../stats/stats-event.ts'),
      import('../worker/attribution/parking.ts'),
    ]);
    const queue = (memoryQueue = new MemoryQueue());
    stores = [queue.store()];
    const push = queue.store().push;
    const source = { name: 'memory', list: queue, waitList: queue, parking: createMemoryParkingLot(push), close: async () => {} };
    // Without Kafka there is no stats consumer: the in-process worker folds the counts
    // itself, with the visitor hash keyed by this install's secret API key.
    const sink = config.KAFKA_URL ? undefined : withStats(sinkFor(config), { db: database.db, hashVisitor: createVisitorHasher(apiKey.key) });
    // One queue and one drain loop: a click is indexed before any line queued after it is
    // looked at, so an app event waits for its click only briefly (not the 30 s meant for
    // several workers and Redis instances).
    const drain = { ...config, WORKER_ATTRIBUTION_GRACE_S: Math.min(config.WORKER_ATTRIBUTION_GRACE_S, 2) };
    worker = await startWorkerRuntime(drain, logger.child({ part: 'embedded-worker' }), { sources: [source], ...(sink ? { sink } : {}) });
    void worker.run();
  }

  return {
    database,
    stores,
    apiKey: apiKey.key,
    embedded: {
      database: database.kind === 'embedded',
      queue: worker !== undefined,
      sink: worker !== undefined && !config.KAFKA_URL,
      ...(apiKey.file ? { apiKeyFile: apiKey.file } : {}),
    },
    close: async () => {
      // The in-memory queue dies with the process: give the worker a few seconds to
      // deliver what is queued before it stops.
      const deadline = Date.now() + 5_000;
      while (memoryQueue && (await memoryQueue.length()) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await worker?.stop(5_000);
    },
  };
}
