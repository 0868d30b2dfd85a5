// Local single-node KRaft Kafka broker for development and tests: jars from Maven Central
// (scripts/kafka/pom.xml), run with the machine's `java`. No Docker, no other downloads.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface StartKafkaOptions {
  port?: number;
  controllerPort?: number;
  dataDir?: string;
  log?: (line: string) => void;
  /** Called when a broker this call started (and that became ready) exits, through stop() or not. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Adds a TLS listener that, like Heroku Kafka's, accepts only clients with a certificate. */
  ssl?: KafkaSslListener;
}

/** Paths of PEM files. The CA both signs client certificates and is what clients trust. */
export interface KafkaSslListener {
  port: number;
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** started is false when a broker already listened on the port; then stop() does nothing. */
export interface KafkaHandle { bootstrap: string; stop: () => Promise<void>; started: boolean; sslBootstrap?: string }

const HOST = '127.0.0.1';
const ROOT = path.resolve(import.meta.dirname, '../..');
const POM = path.join(import.meta.dirname, 'pom.xml');
const LOG4J = path.join(import.meta.dirname, 'log4j2.properties');
const LIBS = path.join(ROOT, '.kafka', 'libs');
const READY = 'Kafka Server started';
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;
const INSTALL_HINT = 'Install a JDK (17+) and Maven, e.g. on Debian/Ubuntu: apt-get install openjdk-17-jre-headless maven';
// Failures that mean the data dir is left over from another cluster or a half-finished
// format; anything else (a port clash, bad JVM flags) must not cost a developer their data.
const STALE_STORAGE = /meta\.properties|cluster\.?id|not formatted|bootstrap\.checkpoint|KafkaStorageException|CorruptRecord|directory\.id/i;

export async function startKafka(opts: StartKafkaOptions = {}): Promise<KafkaHandle> {
  const port = opts.port ?? 9092;
  const controllerPort = opts.controllerPort ?? port + 1;
  const bootstrap = `${HOST}:${port}`;
  const log = opts.log ?? (() => {});
  const sslBootstrap = opts.ssl ? `${HOST}:${opts.ssl.port}` : undefined;
  if (await isListening(port)) {
    // Reusing someone's broker is fine for PLAINTEXT, but nothing says it has our TLS listener.
    if (opts.ssl) throw new Error(`Kafka port ${bootstrap} is already in use; a broker with an SSL listener needs ports of its own.`);
    return { bootstrap, started: false, stop: async () => {} };
  }
  if (await isListening(controllerPort)) {
    throw new Error(`Kafka controller port ${HOST}:${controllerPort} is already in use (but ${bootstrap} is not); free it or pick another port pair.`);
  }
  checkJava();
  await resolveJars(log);

  const dataDir = path.resolve(opts.dataDir ?? path.join(ROOT, '.kafka', `data-${port}`));
  const logDir = path.join(dataDir, 'logs');
  const props = path.join(dataDir, 'server.properties');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(props, serverProperties(port, controllerPort, logDir, opts.ssl && { port: opts.ssl.port, ...sslStores(opts.ssl, dataDir) }));

  for (let attempt = 1; ; attempt++) {
    const hadData = fs.existsSync(logDir);
    try {
      await formatStorage(props, logDir);
      const stop = await launch(props, log, opts.onExit);
      return { bootstrap, started: true, stop, ...(sslBootstrap ? { sslBootstrap } : {}) };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (attempt > 1 || !hadData || !STALE_STORAGE.test(msg) || /BindException|Address already in use/.test(msg)) throw err;
      log(`[kafka-local] stale data in ${logDir}; wiping it and formatting again`);
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (up: boolean) => { socket.destroy(); resolve(up); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`Cannot run \`java\` (${r.error.message}), needed for the local Kafka broker. ${INSTALL_HINT}`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (major < 17) throw new Error(`Kafka 4 needs Java 17 or newer, \`java\` is ${m?.[0] ?? 'unknown'}. ${INSTALL_HINT}`);
}

// Jars are keyed by the pom's hash so editing the pom re-resolves, and an unchanged pom costs nothing.
async function resolveJars(log: (line: string) => void): Promise<void> {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
  const marker = path.join(LIBS, '.pom-sha256');
  const current = () => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === hash;
  if (current()) return;
  // Resolve into a private dir and swap it in, so a concurrent start never sees half a classpath.
  const tmp = `${LIBS}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  log('[kafka-local] resolving Kafka jars from Maven Central into .kafka/libs (first run only)');
  const args = ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`];
  try {
    const r = await run('mvn', args);
    if (r.spawnError) throw new Error(`Cannot run \`mvn\` (${r.spawnError}), needed to fetch the Kafka jars. ${INSTALL_HINT}`);
    if (r.code !== 0) throw new Error(`mvn failed to resolve the Kafka jars (exit ${r.code}):\n${tail(r.lines)}`);
    fs.writeFileSync(path.join(tmp, '.pom-sha256'), hash);
    if (current()) return;
    fs.rmSync(LIBS, { recursive: true, force: true });
    fs.renameSync(tmp, LIBS);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function serverProperties(port: number, controllerPort: number, logDir: string, ssl?: { port: number; keystore: string; truststore: string }): string {
  const sslListener = ssl ? `,SSL://${HOST}:${ssl.port}` : '';
  return `# Written by scripts/kafka/broker.ts on every start; edit that file instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}${sslListener}
advertised.listeners=PLAINTEXT://${HOST}:${port}${sslListener}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${ssl ? ',SSL:SSL' : ''}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${logDir}
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# After a crash the restarted controller refuses the broker's re-registration until the old
# session expires (default 9 s); one local node can afford a shorter one.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000
# One node needs no spread; 50 partitions each would slow the first group join and transaction.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1
${ssl ? sslProperties(ssl.keystore, ssl.truststore) : ''}`;
}

// Only clients speak TLS; inter-broker and controller traffic stay PLAINTEXT. The broker
// checks client certificates against the CA, never a client's host name.
function sslProperties(keystore: string, truststore: string): string {
  return `# TLS listener for clients with a certificate signed by the CA (Heroku Kafka style)
listener.name.ssl.ssl.client.auth=required
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=${keystore}
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=${truststore}
listener.name.ssl.ssl.endpoint.identification.algorithm=
`;
}

// A PEM keystore is one file holding the key and its certificate chain.
function sslStores(ssl: KafkaSslListener, dataDir: string): { keystore: string; truststore: string } {
  const keystore = path.join(dataDir, 'ssl-keystore.pem');
  const key = fs.readFileSync(ssl.serverKeyPem, 'utf8').trimEnd();
  fs.writeFileSync(keystore, `${key}\n${fs.readFileSync(ssl.serverCertPem, 'utf8')}`, { mode: 0o600 });
  return { keystore, truststore: path.resolve(ssl.caCertPem) };
}

function javaArgs(main: string, ...args: string[]): string[] {
  return ['-Xmx512m', `-Dlog4j2.configurationFile=${LOG4J}`, '-cp', path.join(LIBS, '*'), main, ...args];
}

// Reuses the cluster id on disk: --ignore-formatted still fails on a different -t id.
async function formatStorage(props: string, logDir: string): Promise<void> {
  const meta = path.join(logDir, 'meta.properties');
  const text = fs.existsSync(meta) ? fs.readFileSync(meta, 'utf8') : undefined;
  const onDisk = text === undefined ? undefined : /^cluster\.id=(\S+)/m.exec(text)?.[1];
  // The broker refuses such a file later with a less telling error; the caller wipes on this.
  if (text !== undefined && (!onDisk || !/^node\.id=1\s*$/m.test(text))) throw new Error(`unusable ${meta} (unreadable or another node's)`);
  const r = await run('java', javaArgs('kafka.tools.StorageTool', 'format', '-t', onDisk ?? newClusterId(), '-c', props, '--ignore-formatted'));
  if (r.code !== 0) throw new Error(`Kafka storage format failed (exit ${r.code}):\n${tail(r.lines)}`);
}

// A base64url UUID, like Kafka's own, which never starts with '-' lest the CLI take it for a flag.
function newClusterId(): string {
  const id = crypto.randomBytes(16).toString('base64url');
  return id.startsWith('-') ? newClusterId() : id;
}

async function launch(props: string, log: (line: string) => void, onExit: StartKafkaOptions['onExit']): Promise<() => Promise<void>> {
  const child = spawn('java', javaArgs('kafka.Kafka', props), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave an orphaned broker holding the ports. SIGTERM, not SIGKILL: after an unclean
  // kill the next start waits out broker.session.timeout.ms. A detached watchdog still
  // SIGKILLs it if it has not gone in STOP_GRACE_MS, as we cannot wait inside 'exit'.
  const killOnExit = () => {
    child.kill('SIGTERM');
    spawn('sh', ['-c', `sleep ${STOP_GRACE_MS / 1000}; kill -9 ${child.pid} 2>/dev/null`], { detached: true, stdio: 'ignore' }).unref();
  };
  process.on('exit', killOnExit);
  const recent: string[] = [];
  const ready = Promise.withResolvers<void>();
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    log(line);
    if (line.includes(READY)) ready.resolve();
  };
  lines(child.stdout, onLine);
  lines(child.stderr, onLine);
  let up = false;
  const exited = new Promise<void>((res) => {
    const finish = (why: string, code: number | null = null, signal: NodeJS.Signals | null = null) => {
      process.off('exit', killOnExit);
      ready.reject(new Error(`${why}:\n${tail(recent)}`));
      // Only for brokers handed out: a failed start is reported by startKafka's rejection.
      if (up) onExit?.(code, signal);
      res();
    };
    child.once('exit', (code, signal) => finish(`Kafka broker exited before it was ready (code ${code}, signal ${signal})`, code, signal));
    // A failed spawn emits 'error' and never 'exit'.
    child.once('error', (err) => finish(`Cannot run \`java\` (${err.message}). ${INSTALL_HINT}`));
  });

  const timer = setTimeout(() => ready.reject(new Error(`Kafka broker was not ready after ${START_TIMEOUT_MS / 1000}s:\n${tail(recent)}`)), START_TIMEOUT_MS);
  try {
    await ready.promise;
    up = true;
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= (async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  })());
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) onLine(p.replace(/\r$/, ''));
  });
  stream.on('end', () => { if (buf) onLine(buf); buf = ''; });
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; lines: string[]; spawnError?: string }> {
  return new Promise((resolve) => {
    const out: string[] = [];
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    lines(child.stdout, (l) => out.push(l));
    lines(child.stderr, (l) => out.push(l));
    child.once('error', (err) => resolve({ code: null, lines: out, spawnError: err.message }));
    child.once('close', (code) => resolve({ code, lines: out }));
  });
}

function tail(all: string[], n = 25): string {
  return all.slice(-n).map((l) => `  | ${l}`).join('\n');
}
