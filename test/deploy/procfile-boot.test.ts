// A deploy as Heroku does it, on this machine: the committed tree (a fresh clone of HEAD,
// so a file nobody committed breaks this test as it would break a deploy), the Procfile's
// release, then its web and worker, against local Postgres, Redis and Kafka.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql, type Sql } from '../../src/db/client.ts';
import { IPHONE_UA, TARGETS, insertLink, testRedisUrl, uniqueKey } from '../support/fixtures.ts';
import { readTopic, uniqueKafkaPrefix } from '../support/kafka-consumer.ts';
import { createOwnDatabase, type OwnDatabase } from '../support/own-database.ts';
import { dynoEnv, readProcfile, runProcessGroup, startProcessGroup, type ProcessGroup } from '../support/process-group.ts';
import { freePort } from '../support/processes.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const HEROKU_GRACE_MS = 30_000;
const API_KEY = `key-${randomUUID()}`;

let appDir: string;
let procfile: Record<string, string>;
let databaseUrl: string;
let ownDatabase: OwnDatabase | undefined;
let sql: Sql;
const dynos: ProcessGroup[] = [];

beforeAll(async () => {
  appDir = mkdtempSync(path.join(tmpdir(), 'clicktrack-deploy-'));
  execFileSync('git', ['clone', '--quiet', ROOT, appDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  // The buildpack's `npm ci` would give the same packages; the project's own are reused for speed.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  procfile = readProcfile(appDir);

  // A database of its own, empty, as a new Heroku Postgres add-on is.
  ownDatabase = await createOwnDatabase('deploy');
  databaseUrl = ownDatabase.url;
  sql = createSql(databaseUrl, { max: 2 });
}, 60_000);

afterAll(async () => {
  for (const dyno of dynos) dyno.kill();
  await sql?.end({ timeout: 5 });
  await ownDatabase?.drop();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
}, 60_000);

/** The config vars of a Heroku app with Postgres, Redis and Kafka add-ons; every dyno gets all of them. */
function appConfig(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    API_KEY,
    TRUST_PROXY: '1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    REDIS_QUEUE_KEY: uniqueKey(),
    KAFKA_URL: inject('kafkaBootstrap'),
    KAFKA_PREFIX: uniqueKafkaPrefix(),
    ...overrides,
  };
}

/** Runs a Procfile process to its end (the release phase, or one that refuses to start). */
function runToEnd(name: string, config: Record<string, string>) {
  const command = procfile[name];
  if (!command) throw new Error(`the Procfile has no ${name} process`);
  return runProcessGroup(name, command, { cwd: appDir, env: dynoEnv(appDir, config), timeoutMs: 60_000 });
}

const release = (config: Record<string, string>) => runToEnd('release', config);

async function dyno(name: 'web' | 'worker', config: Record<string, string>, ready: RegExp): Promise<ProcessGroup> {
  const command = procfile[name];
  if (!command) throw new Error(`the Procfile has no ${name} process`);
  const proc = await startProcessGroup(name, command, { cwd: appDir, env: dynoEnv(appDir, config), ready, timeoutMs: 30_000 });
  dynos.push(proc);
  return proc;
}

/** Runs `check`; on failure the dynos' output is part of the message. */
async function withOutput(procs: ProcessGroup[], check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    const outputs = procs.map((p) => `--- ${p.child.spawnargs.at(-1)} (pid ${p.pid}) ---\n${p.output()}`).join('\n');
    throw new Error(`${(err as Error).message}\n${outputs}`, { cause: err });
  }
}

/** pid -> parent pid and command line, for every process on the machine. */
function processTable(): Array<{ pid: number; ppid: number; args: string }> {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' }));
}

/** Why a dyno's stop was not clean, with what it printed, and the usual cause when it is npm. */
function stopReport(name: string, proc: ProcessGroup): string {
  const command = procfile[name] ?? '';
  const hint = /^npm\b/.test(command)
    ? `\nThe Procfile runs \`${command}\`: npm dies on SIGTERM at once (exit 143) instead of waiting for its child; run \`node ...\` directly.`
    : '';
  return `${name} (\`${command}\`) on SIGTERM:${hint}\n${proc.output()}`;
}

const click = (port: number, slug: string, forwardedFor = '203.0.113.7') =>
  fetch(`http://127.0.0.1:${port}/t/click/${slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': forwardedFor } });

describe('a deploy by the Procfile from a fresh clone', () => {
  it('releases, serves a click, delivers it to Kafka, releases again harmlessly, and stops on SIGTERM with status 0', { timeout: 150_000 }, async () => {
    const port = await freePort();
    const config = appConfig({ PORT: String(port) });

    const first = await release(config);
    expect(first.code, first.output).toBe(0);
    // Topic creation reports problems without failing the deploy: read what it said.
    if (/kafka:topics/.test(procfile.release ?? '')) expect(first.output).toMatch(/kafka:topics: .*ready/);
    const [{ migrations }] = await sql<[{ migrations: number }]>`select count(*)::int as migrations from drizzle.__drizzle_migrations`;
    expect(migrations).toBeGreaterThan(0);

    const link = await insertLink(sql);
    const web = await dyno('web', config, /web listening/);
    const worker = await dyno('worker', config, /worker draining/);

    await withOutput([web, worker], async () => {
      const res = await click(port, link.slug);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')?.split('?')[0]).toBe(TARGETS.ios);
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

      const [message] = await readTopic(`${config.KAFKA_PREFIX}clicks`, 1, 30_000);
      expect(message, 'no click reached Kafka').toBeDefined();
      const event = JSON.parse(message!.value) as { ip: string; params: Record<string, string> };
      expect(event.params.slug).toBe(link.slug);
      // TRUST_PROXY=1: the address Heroku's router saw, not the router's own.
      expect(event.ip).toBe('203.0.113.7');

      // The next deploy's release phase runs against the same database and topics.
      const second = await release(config);
      expect(second.code, second.output).toBe(0);
      if (/kafka:topics/.test(procfile.release ?? '')) expect(second.output).toMatch(/kafka:topics: .*ready \(0 created\)/);
      const [again] = await sql<[{ migrations: number }]>`select count(*)::int as migrations from drizzle.__drizzle_migrations`;
      expect(again!.migrations).toBe(migrations);
      expect((await click(port, link.slug)).status).toBe(302);
    });

    // Heroku stops a dyno with SIGTERM to all its processes and SIGKILLs what is left after 30 s.
    const [webStop, workerStop] = await Promise.all([web.terminate('SIGTERM', HEROKU_GRACE_MS), worker.terminate('SIGTERM', HEROKU_GRACE_MS)]);
    for (const [name, proc, stop] of [['web', web, webStop], ['worker', worker, workerStop]] as const) {
      expect(stop.killed, stopReport(name, proc)).toBe(false);
      expect({ code: stop.code, signal: stop.signal }, stopReport(name, proc)).toEqual({ code: 0, signal: null });
      expect(stop.ms).toBeLessThan(HEROKU_GRACE_MS);
    }
  });

  it('forks WEB_CONCURRENCY web processes behind one port, and they all stop on SIGTERM', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const config = appConfig({ PORT: String(port), WEB_CONCURRENCY: '2' });
    expect((await release(config)).code).toBe(0);
    const link = await insertLink(sql);
    const web = await dyno('web', config, /web listening[\s\S]*web listening/);

    await withOutput([web], async () => {
      // The process tree under the dyno: exactly one node process with node children, two of them.
      const table = processTable();
      const inGroup = new Set([web.pid]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const p of table) if (inGroup.has(p.ppid) && !inGroup.has(p.pid)) {
          inGroup.add(p.pid);
          grew = true;
        }
      }
      const nodes = table.filter((p) => inGroup.has(p.pid) && path.basename(p.args.split(' ')[0] ?? '') === 'node');
      const primaries = nodes.filter((p) => nodes.some((c) => c.ppid === p.pid));
      expect(primaries, JSON.stringify(nodes)).toHaveLength(1);
      expect(nodes.filter((c) => c.ppid === primaries[0]!.pid)).toHaveLength(2);

      for (let i = 0; i < 6; i++) expect((await click(port, link.slug)).status).toBe(302);
    });

    const stop = await web.terminate('SIGTERM', HEROKU_GRACE_MS);
    expect(stop.killed, stopReport('web', web)).toBe(false);
    expect({ code: stop.code, signal: stop.signal }, stopReport('web', web)).toEqual({ code: 0, signal: null });
  });

  it('shuts down cleanly when SIGTERM arrives twice, as Heroku says it may', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const config = appConfig({ PORT: String(port) });
    expect((await release(config)).code).toBe(0);
    const link = await insertLink(sql);
    const web = await dyno('web', config, /web listening/);
    const worker = await dyno('worker', config, /worker draining/);
    expect((await click(port, link.slug)).status).toBe(302);

    const stopping = [web.terminate('SIGTERM', HEROKU_GRACE_MS), worker.terminate('SIGTERM', HEROKU_GRACE_MS)];
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (const proc of [web, worker]) proc.signal('SIGTERM');
    const [webStop, workerStop] = await Promise.all(stopping);
    for (const [name, proc, stop] of [['web', web, webStop!], ['worker', worker, workerStop!]] as const) {
      expect(stop.killed, stopReport(name, proc)).toBe(false);
      expect({ code: stop.code, signal: stop.signal }, stopReport(name, proc)).toEqual({ code: 0, signal: null });
    }
    expect(worker.output()).toMatch(/worker stopped/);
  });

  it('refuses, in production, to start any Procfile process without its required settings', { timeout: 60_000 }, async () => {
    const cases = [
      ['release', 'DATABASE_URL'],
      ['web', 'DATABASE_URL'],
      ['web', 'REDIS_URL'],
      ['web', 'API_KEY'],
      ['worker', 'REDIS_URL'],
      ['worker', 'KAFKA_URL'],
      ['stats', 'DATABASE_URL'],
      ['stats', 'KAFKA_URL'],
    ] as const;
    await Promise.all(
      cases.map(async ([name, missing]) => {
        const { [missing]: _, ...config } = appConfig({ PORT: String(await freePort()) });
        const run = await runToEnd(name, config);
        expect(run.code, `${name} without ${missing}:\n${run.output}`).not.toBe(0);
        expect(run.output, `${name} without ${missing}`).toMatch(new RegExp(`${missing}: required when NODE_ENV=production`));
      }),
    );
  });
});
