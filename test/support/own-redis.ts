import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort, startRedisServer, type RunningProcess } from './processes.ts';

export interface OwnRedis {
  /** The redis-server now running: stop it, freeze it (SIGSTOP) or thaw it. */
  readonly server: RunningProcess;
  /** A client that rides out the server's outages (one try per command, reconnecting every 200 ms). */
  readonly redis: Redis;
  /** Its URL, database 0. */
  readonly url: string;
  /** A new redis-server on the same port, after the test stopped the last one. */
  restart(): Promise<void>;
}

/**
 * A redis-server of the test file's own, for tests that stop, pause and restart it, which
 * must not disturb other tests (or other runs) on the machine's shared Redis. Started
 * before the file's tests and killed after them, thawed first if a test left it frozen.
 */
export function ownRedisServer(): OwnRedis {
  let port = 0;
  let server: RunningProcess | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    port = await freePort();
    server = await startRedisServer(port);
    redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    redis.on('error', () => {});
  });
  afterAll(async () => {
    redis?.disconnect();
    server?.child.kill('SIGCONT');
    await server?.stop('SIGKILL');
  });
  return {
    get server() {
      return server!;
    },
    get redis() {
      return redis!;
    },
    get url() {
      return `redis://127.0.0.1:${port}/0`;
    },
    async restart() {
      server = await startRedisServer(port);
    },
  };
}
