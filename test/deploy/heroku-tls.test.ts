// Heroku's add-ons speak TLS with certificates no public CA signed. This file runs Redis,
// Kafka and PostgreSQL that way on this machine and starts the Procfile's processes with
// nothing but the variables Heroku would set.
import { randomUUID } from 'node:crypto';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Admin } from '@platformatic/kafka';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, type Sql } from '../../src/db/client.ts';
import { createRedis } from '../../src/queue/redis-connection.ts';
import { kafkaConnection } from '../../src/shared/kafka-options.ts';
import { IPHONE_UA, TARGETS, clickLine, insertLink } from '../support/fixtures.ts';
import { readTopic } from '../support/kafka-consumer.ts';
import { dynoEnv, readProcfile, runProcessGroup, startProcessGroup, type ProcessGroup } from '../support/process-group.ts';
import { freePort } from '../support/processes.ts';
import { makeTestCertificates, type TestCertificates } from '../support/tls.ts';
import { startTlsKafka, startTlsPostgres, startTlsRedis, type Service } from '../support/tls-services.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const procfile = readProcfile(ROOT);
const API_KEY = `key-${randomUUID()}`;

let certs: TestCertificates;
let redis: Awaited<ReturnType<typeof startTlsRedis>>;
let kafka: Awaited<ReturnType<typeof startTlsKafka>>;
let pg: Awaited<ReturnType<typeof startTlsPostgres>>;
let sql: Sql;
const dynos: ProcessGroup[] = [];
const services: Service[] = [];

beforeAll(async () => {
  certs = makeTestCertificates();
  const track = <T extends Service>(starting: Promise<T>) => starting.then((service) => {
    services.push(service);
    return service;
  });
  const starting = [track(startTlsRedis(certs)), track(startTlsKafka(certs)), track(startTlsPostgres(certs))] as const;
  // Every start settles before a failure is thrown, so afterAll stops whatever did come up.
  await Promise.allSettled(starting);
  [redis, kafka, pg] = await Promise.all(starting);
  sql = createSql(pg.url, { max: 2 });
}, 150_000);

afterAll(async () => {
  for (const dyno of dynos) dyno.kill();
  await sql?.end({ timeout: 5 });
  await Promise.all(services.map((s) => s.stop()));
  certs?.remove();
}, 60_000);

/**
 * The config vars the add-ons set (URLs, and Heroku Kafka's PEM contents) plus the app's
 * own. Heroku hands every dyno, the release one too, the same set.
 */
function herokuConfig(overrides: Record<string, string> & { KAFKA_PREFIX: string }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    API_KEY,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    KAFKA_URL: `kafka+ssl://${kafka.sslBootstrap}`,
    KAFKA_TRUSTED_CERT: certs.pem(certs.caCert),
    KAFKA_CLIENT_CERT: certs.pem(certs.clientCert),
    KAFKA_CLIENT_CERT_KEY: certs.pem(certs.clientKey),
    ...overrides,
  };
}

async function dyno(name: string, config: Record<string, string>, ready: RegExp): Promise<ProcessGroup> {
  const command = procfile[name];
  if (!command) throw new Error(`the Procfile has no ${name} process`);
  const proc = await startProcessGroup(name, command, { cwd: ROOT, env: dynoEnv(ROOT, config), ready, timeoutMs: 30_000 });
  dynos.push(proc);
  return proc;
}

/** Runs `check`; on failure what the named processes printed is part of the message. */
async function withOutput(procs: Record<string, { output(): string }>, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    const outputs = Object.entries(procs).map(([name, p]) => `--- ${name} ---\n${p.output()}`);
    throw new Error(`${(err as Error).message}\n${outputs.join('\n')}`, { cause: err });
  }
}

// ApiVersions v0 (client id "clicktrack"): any Kafka broker that accepted the client answers it.
const API_VERSIONS_REQUEST = Buffer.from('000000140012000000000001000a636c69636b747261636b', 'hex');

/**
 * How a TLS client fares: 'answered', or the error's code. In TLS 1.3 the server judges the
 * client's certificate after the client's side of the handshake, so a request is sent too.
 */
function tlsOutcome(address: string, options: ConnectionOptions): Promise<string> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port: Number(port), ...options });
    const done = (outcome: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('no answer'), 10_000);
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.once('close', () => done('closed'));
    socket.once('secureConnect', () => socket.write(API_VERSIONS_REQUEST));
    socket.once('data', () => done('answered'));
  });
}

describe('the Procfile processes with only Heroku-style TLS settings', () => {
  it('run release, then web and worker, and deliver a click through TLS-only Postgres, Redis and Kafka', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const config = herokuConfig({ KAFKA_PREFIX: `heroku_${randomUUID().slice(0, 8)}.`, PORT: String(port) });
    const prefix = config.KAFKA_PREFIX;
    const release = await runProcessGroup('release', procfile.release ?? '', { cwd: ROOT, env: dynoEnv(ROOT, config), timeoutMs: 60_000 });
    expect(release.code, release.output).toBe(0);
    // The release's topic creation reports problems without failing the deploy: read what it said.
    if (/kafka:topics/.test(procfile.release ?? '')) expect(release.output).toMatch(/kafka:topics: .*ready/);

    const link = await insertLink(sql);
    const web = await dyno('web', config, /web listening/);
    const worker = await dyno('worker', config, /worker draining/);

    await withOutput({ web, worker, kafka }, async () => {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status, await ready.text()).toBe(200);
      const res = await fetch(`http://127.0.0.1:${port}/t/click/${link.slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA } });
      expect(res.status).toBe(302);
      // The store target, with the link's App Store campaign parameters appended.
      expect(res.headers.get('location')?.split('?')[0]).toBe(TARGETS.ios);

      const [message] = await readTopic(`${prefix}clicks`, 1, 30_000, kafka.plainBootstrap);
      expect(message, 'no click reached Kafka').toBeDefined();
      const event = JSON.parse(message!.value) as { click_id: string; params: Record<string, string>; platform: string };
      expect(event.params.slug).toBe(link.slug);
      expect(event.platform).toBe('ios');
      expect(message!.key).toBe(event.click_id);

      // Every client connection Postgres holds is encrypted (pg_hba.conf admits no other).
      const [conns] = await sql<[{ all_ssl: boolean; n: number }]>`
        select bool_and(s.ssl) as all_ssl, count(*)::int as n
        from pg_stat_ssl s join pg_stat_activity a using (pid) where a.client_addr is not null`;
      expect(conns).toEqual({ all_ssl: true, n: expect.any(Number) });
      expect(conns!.n).toBeGreaterThanOrEqual(2);
    });

    for (const proc of [web, worker]) expect((await proc.terminate()).killed, proc.output()).toBe(false);
  });

  it('needs rejectUnauthorized: false for Postgres: a plaintext client is refused, a verifying one fails', { timeout: 30_000 }, async () => {
    const plain = postgres(pg.url, { ssl: false, max: 1, connect_timeout: 5, onnotice: () => {} });
    await expect(plain`select 1`).rejects.toThrow(/no encryption|pg_hba/);
    await plain.end();
    const verifying = postgres(pg.url, { ssl: { rejectUnauthorized: true }, max: 1, connect_timeout: 5, onnotice: () => {} });
    await expect(verifying`select 1`).rejects.toThrow(/certificate/i);
    await verifying.end();
    // The app's own client, for a host it does not count as local, gets through.
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
  });

  it('needs rejectUnauthorized: false for Redis: a client verifying the self-signed certificate fails', { timeout: 30_000 }, async () => {
    const verifying = createRedis(redis.url, { tls: { rejectUnauthorized: true }, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const firstError = new Promise<Error>((resolve) => verifying.once('error', resolve));
    await expect(verifying.connect()).rejects.toThrow();
    expect((await firstError).message).toMatch(/certificate/i);
    verifying.disconnect();
    const app = createRedis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    await app.connect();
    expect(await app.ping()).toBe('PONG');
    app.disconnect();
  });

  it('Kafka refuses a client without a client certificate, and accepts the same client with one', { timeout: 30_000 }, async () => {
    const trust = { ca: certs.pem(certs.caCert), checkServerIdentity: () => undefined };
    expect(await tlsOutcome(kafka.sslBootstrap, trust)).toMatch(/ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_REQUIRED/);
    expect(await tlsOutcome(kafka.sslBootstrap, { ...trust, cert: certs.pem(certs.clientCert), key: certs.pem(certs.clientKey) })).toBe('answered');

    const withoutCert = new Admin({ clientId: 'no-cert', ...kafkaConnection({ url: `kafka+ssl://${kafka.sslBootstrap}`, trustedCert: certs.pem(certs.caCert) }), retries: 0, connectTimeout: 3_000 });
    await expect(withoutCert.listTopics()).rejects.toThrow();
    await withoutCert.close();
    const withCert = new Admin({ clientId: 'with-cert', ...kafkaConnection({ url: `kafka+ssl://${kafka.sslBootstrap}`, trustedCert: certs.pem(certs.caCert), clientCert: certs.pem(certs.clientCert), clientCertKey: certs.pem(certs.clientKey) }), retries: 0, connectTimeout: 3_000 });
    await expect(withCert.listTopics()).resolves.toBeInstanceOf(Array);
    await withCert.close();
  });

  it('Kafka\'s certificate names no host we connect to: a host-name check fails, so the app checks the chain instead', { timeout: 30_000 }, async () => {
    const client = { ca: certs.pem(certs.caCert), cert: certs.pem(certs.clientCert), key: certs.pem(certs.clientKey) };
    expect(await tlsOutcome(kafka.sslBootstrap, client)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await tlsOutcome(kafka.sslBootstrap, { ...client, checkServerIdentity: () => undefined })).toBe('answered');
    // The chain check is real: another CA does not vouch for the broker.
    expect(await tlsOutcome(kafka.sslBootstrap, { ...client, ca: certs.pem(certs.otherCaCert), checkServerIdentity: () => undefined })).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('a worker trusting the wrong CA delivers nothing and leaves the click in Redis', { timeout: 60_000 }, async () => {
    const queueKey = `wrong_ca_${randomUUID()}`;
    const prefix = `wrongca_${randomUUID().slice(0, 8)}.`;
    const app = createRedis(redis.url);
    try {
      await app.lpush(queueKey, clickLine(randomUUID()));
      const config = herokuConfig({ KAFKA_PREFIX: prefix, REDIS_QUEUE_KEY: queueKey, KAFKA_TRUSTED_CERT: certs.pem(certs.otherCaCert) });
      const worker = await dyno('worker', config, /worker draining/);
      await worker.waitFor(/sink unavailable/, 30_000);
      expect(worker.output()).toMatch(/unable to verify|certificate/i);
      expect(await readTopic(`${prefix}clicks`, 1, 3_000, kafka.plainBootstrap)).toEqual([]);

      // Stopping hands the undelivered line back to the click list for the next worker.
      expect((await worker.terminate()).killed, worker.output()).toBe(false);
      expect(await app.lrange(queueKey, 0, -1), worker.output()).toHaveLength(1);
    } finally {
      app.disconnect();
    }
  });
});
