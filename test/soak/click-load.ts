// A steady stream of clicks, as ad traffic arrives: a fixed rate, spread over the web
// processes in rotation, each answer recorded with the click id its redirect carries.
// Beside them, HEAD probes of the same link (HEAD is never queued): the same processes, route,
// link lookup and client, but no click store. They show what the machine itself added to an
// answer at that moment, so a click's wait on a failing backend can be told from a busy host.

export interface ClickAnswer {
  /** When it was sent, in ms after the load started. */
  at: number;
  status: number;
  ms: number;
  clickId: string | undefined;
  error?: string;
}

export interface ClickLoad {
  /** Resolves when every click was sent and answered. */
  done: Promise<ClickAnswer[]>;
  /** The HEAD probes' answers, once `done` resolved. */
  readonly probes: ClickAnswer[];
  /** Takes a web process out of rotation and resolves once its in-flight clicks are answered. */
  drain(url: string): Promise<void>;
  add(url: string): void;
  readonly sent: number;
}

const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
];

export function startClickLoad(options: {
  urls: string[];
  slug: string;
  total: number;
  perSecond: number;
  /** HEAD probes a second, over all web processes. */
  probesPerSecond?: number;
}): ClickLoad {
  const rotation = [...options.urls];
  const inFlight = new Map<string, Set<Promise<unknown>>>();
  const answers: ClickAnswer[] = [];
  const probes: ClickAnswer[] = [];
  const started = performance.now();
  let sent = 0;
  let probed = 0;
  let finish: (answers: ClickAnswer[]) => void = () => {};
  const done = new Promise<ClickAnswer[]>((resolve) => (finish = resolve));

  async function click(base: string, n: number, method: 'GET' | 'HEAD', into: ClickAnswer[]): Promise<void> {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/t/click/${options.slug}?n=${n}`, {
        method,
        redirect: 'manual',
        headers: { 'user-agent': AGENTS[n % AGENTS.length]! },
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      const location = res.headers.get('location');
      const clickId = location ? (new URL(location).searchParams.get('c') ?? undefined) : undefined;
      into.push({ at: t0 - started, status: res.status, ms: performance.now() - t0, clickId });
    } catch (err) {
      into.push({ at: t0 - started, status: 0, ms: performance.now() - t0, clickId: undefined, error: (err as Error).message });
    }
  }

  const send = (base: string, promise: Promise<void>) => {
    let set = inFlight.get(base);
    if (!set) inFlight.set(base, (set = new Set()));
    set.add(promise);
    void promise.finally(() => set.delete(promise));
  };

  const timer = setInterval(() => {
    // Catch up to where the rate says we should be, so a slow tick does not lower the rate.
    const seconds = (performance.now() - started) / 1000;
    const due = Math.min(options.total, Math.floor(seconds * options.perSecond));
    for (; sent < due; sent++) {
      const base = rotation[sent % rotation.length];
      if (base) send(base, click(base, sent, 'GET', answers));
    }
    const probesDue = sent < options.total ? Math.floor(seconds * (options.probesPerSecond ?? 0)) : probed;
    for (; probed < probesDue; probed++) {
      const base = rotation[probed % rotation.length];
      if (base) send(base, click(base, probed, 'HEAD', probes));
    }
    if (sent >= options.total) {
      clearInterval(timer);
      void Promise.all([...inFlight.values()].flatMap((set) => [...set])).then(() => finish(answers));
    }
  }, 10);

  return {
    done,
    async drain(url) {
      const i = rotation.indexOf(url);
      if (i >= 0) rotation.splice(i, 1);
      await Promise.allSettled([...(inFlight.get(url) ?? [])]);
    },
    add(url) {
      rotation.push(url);
    },
    get sent() {
      return sent;
    },
    probes,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
