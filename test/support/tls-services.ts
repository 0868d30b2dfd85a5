// Redis, Kafka and PostgreSQL speaking TLS the way Heroku's add-ons do, each a throwaway of
// the test's own on free ports, with certificates from tls.ts.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKafka } from '../../scripts/kafka/broker.ts';
import { startProcessGroup, type ProcessGroup } from './process-group.ts';
import { freePort } from './processes.ts';
import type { TestCertificates } from './tls.ts';

export interface Service {
  stop(): Promise<void>;
  /** What the service printed, for a failing test's message. */
  output(): string;
}

/** Heroku Redis: TLS only (the plain port is off), self-signed, no client certificates. */
export async function startTlsRedis(certs: TestCertificates): Promise<Service & { url: string; port: number }> {
  const port = await freePort();
  const args = [
    '--port 0', `--tls-port ${port}`, '--bind 127.0.0.1', "--save ''", '--appendonly no',
    `--tls-cert-file ${certs.serverCert}`, `--tls-key-file ${certs.serverKey}`, `--tls-ca-cert-file ${certs.caCert}`,
    '--tls-auth-clients no',
  ];
  const redis = await startProcessGroup('redis-server', `exec redis-server ${args.join(' ')}`, {
    cwd: certs.dir,
    env: { PATH: process.env.PATH ?? '' },
    ready: /Ready to accept connections/,
    timeoutMs: 10_000,
  });
  return {
    url: `rediss://127.0.0.1:${port}`,
    port,
    output: redis.output,
    stop: async () => void (await redis.terminate('SIGTERM', 5_000)),
  };
}

/** Heroku Kafka: a TLS listener that requires a client certificate signed by the CA. */
export async function startTlsKafka(certs: TestCertificates): Promise<Service & { sslBootstrap: string; plainBootstrap: string }> {
  const [port, controllerPort, sslPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'clicktrack-kafka-tls-'));
  const log: string[] = [];
  try {
    const kafka = await startKafka({
      port,
      controllerPort,
      dataDir,
      ssl: { port: sslPort, caCertPem: certs.caCert, serverCertPem: certs.serverCert, serverKeyPem: certs.serverKey },
      log: (line) => void log.push(line),
    });
    return {
      sslBootstrap: kafka.sslBootstrap ?? `127.0.0.1:${sslPort}`,
      plainBootstrap: kafka.bootstrap,
      output: () => log.slice(-200).join('\n'),
      async stop() {
        await kafka.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * PostgreSQL that accepts TLS connections only (`hostssl` in pg_hba.conf), with a
 * certificate no client can verify, on 127.0.0.2: a loopback address the app does not
 * count as local, so it takes the path a Heroku Postgres host takes.
 */
export async function startTlsPostgres(certs: TestCertificates): Promise<Service & { url: string; host: string }> {
  const bin = postgresBinDir();
  const host = '127.0.0.2';
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'clicktrack-pg-tls-'));
  const data = path.join(dir, 'data');
  // PostgreSQL refuses to run as root; a root test machine runs it as the postgres user.
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
      ...asOwner,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The server wants its key readable by its own user only.
    for (const [from, to] of [[certs.serverCert, 'server.crt'], [certs.serverKey, 'server.key']] as const) {
      copyFileSync(from, path.join(data, to));
      if (owner) chownSync(path.join(data, to), owner.uid, owner.gid);
    }
    chmodSync(path.join(data, 'server.key'), 0o600);
    writeFileSync(path.join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.0/8 trust\nhostnossl all all 0.0.0.0/0 reject\nlocal all all trust\n');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not prepare a throwaway PostgreSQL in ${dir}: ${(err as Error).message}\n${stderr}`);
  }
  const settings = {
    listen_addresses: host, port: String(port), unix_socket_directories: dir, ssl: 'on',
    ssl_cert_file: 'server.crt', ssl_key_file: 'server.key', fsync: 'off', max_connections: '50',
  };
  const args = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  let pg: ProcessGroup;
  try {
    pg = await startProcessGroup('postgres', `exec ${path.join(bin, 'postgres')} -D ${data} ${args}`, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
      ready: /ready to accept connections/,
      timeoutMs: 20_000,
      ...asOwner,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    host,
    output: pg.output,
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: no waiting for clients.
      await pg.terminate('SIGINT', 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBinDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  // Debian and Ubuntu keep the server binaries off PATH, one folder per major version.
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest) return path.join(root, newest, 'bin');
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL server binaries (initdb, postgres) not found: install the postgresql package or set PG_BINDIR');
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    return { uid, gid };
  } catch {
    throw new Error('running as root, but there is no `postgres` user to run a throwaway PostgreSQL as');
  }
}
