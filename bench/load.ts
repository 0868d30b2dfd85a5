import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  redirects: number;
  errors: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const WRK = '/usr/bin/wrk';
const CONNECTIONS = 64;

/**
 * wrk (C, Debian package `wrk`) when installed: it spends far less CPU per request than a
 * JavaScript load generator, which on two cores otherwise competes with the server it
 * measures. autocannon otherwise.
 */
export const loadGenerator = existsSync(WRK) ? 'wrk' : 'autocannon';

/** Spreads the requests over the paths `/t/click/<prefix><n>` for n in 1..count (n zero-padded to `digits`). */
export interface RandomSlugs {
  prefix: string;
  count: number;
  digits: number;
  query: string;
}

/** Drives `url` on loopback for `seconds` with keep-alive connections (each request to a random slug with `random`). */
export function load(url: string, seconds: number, headers: Record<string, string>, random?: RandomSlugs): Promise<LoadResult> {
  return loadGenerator === 'wrk' ? loadWithWrk(url, seconds, headers, random) : loadWithAutocannon(url, seconds, headers, random);
}

const randomPath = (r: RandomSlugs) => `/t/click/${r.prefix}${String(1 + Math.floor(Math.random() * r.count)).padStart(r.digits, '0')}?${r.query}`;

/** A wrk script choosing a random slug per request; each wrk thread seeds its own generator. */
function wrkScript(r: RandomSlugs): string {
  const file = join(tmpdir(), `clicktrack-bench-${process.pid}-random.lua`);
  writeFileSync(
    file,
    `math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
request = function()
  return wrk.format(nil, string.format("/t/click/${r.prefix}%0${r.digits}d?${r.query.replaceAll('%', '%%')}", math.random(1, ${r.count})))
end
`,
  );
  return file;
}

async function loadWithWrk(url: string, seconds: number, headers: Record<string, string>, random?: RandomSlugs): Promise<LoadResult> {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const script = random ? wrkScript(random) : undefined;
  const scriptArgs = script ? ['-s', script] : [];
  const { stdout } = await promisify(execFile)(WRK, ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...scriptArgs, ...headerArgs, url]).finally(() => {
    if (script) rmSync(script, { force: true });
  });
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
  const ms = (re: RegExp) => {
    const m = re.exec(stdout);
    if (!m) return 0;
    const scale = m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1;
    // wrk prints microseconds (701.00us): scaled, kept to the microsecond, not 0.7010000000000001.
    return Math.round(Number(m[1]) * scale * 1000) / 1000;
  };
  const total = num(/(\d+) requests in/);
  const bad = num(/Non-2xx or 3xx responses: (\d+)/);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = bad + (socketErrors ? socketErrors.slice(1).reduce((s, n) => s + Number(n), 0) : 0);
  return {
    requestsPerSecond: num(/Requests\/sec:\s+([\d.]+)/),
    total,
    // wrk counts 2xx and 3xx alike; both routes answer nothing but 302.
    redirects: total - bad,
    errors,
    latencyP50Ms: ms(/50%\s+([\d.]+)(us|ms|s)/),
    latencyP99Ms: ms(/99%\s+([\d.]+)(us|ms|s)/),
  };
}

async function loadWithAutocannon(url: string, seconds: number, headers: Record<string, string>, random?: RandomSlugs): Promise<LoadResult> {
  const requests: autocannon.Request[] | undefined = random ? [{ setupRequest: (req) => ({ ...req, path: randomPath(random) }) }] : undefined;
  const result = await autocannon({ url, connections: CONNECTIONS, pipelining: 1, duration: seconds, headers, ...(requests ? { requests } : {}) });
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    redirects: result['3xx'] ?? 0,
    errors: result.errors + result.timeouts + (result.non2xx - (result['3xx'] ?? 0)),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
