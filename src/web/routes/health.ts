import { Hono } from 'hono';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

export interface ProbeGroup {
  /** Ready when at least one probe in the group answers (several Redis click stores, say). */
  anyOf: ReadinessProbe[];
}

export interface HealthRouteDeps {
  groups: ProbeGroup[];
  timeoutMs?: number;
}

async function passes(probe: ReadinessProbe, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthRoute(deps: HealthRouteDeps): Hono {
  const timeoutMs = deps.timeoutMs ?? 1_000;
  // Load balancers poll often; concurrent callers share one round of probes.
  let round: Promise<{ ok: boolean; down: string[] }> | undefined;

  async function probeAll() {
    const results = await Promise.all(
      deps.groups.map(async (group) => {
        const states = await Promise.all(group.anyOf.map(async (p) => ({ name: p.name, ok: await passes(p, timeoutMs) })));
        return states.some((s) => s.ok) ? [] : states.map((s) => s.name);
      }),
    );
    const down = results.flat();
    return { ok: down.length === 0, down };
  }

  return new Hono()
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      round ??= probeAll().finally(() => (round = undefined));
      const { ok, down } = await round;
      return c.json(ok ? { status: 'ready' } : { status: 'unavailable', down }, ok ? 200 : 503);
    });
}
