import { z } from 'zod';

/**
 * Parses a process's settings once at start. A bad or missing setting stops the process
 * with one line naming the variable, which is what an operator reading `heroku logs` needs.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || 'environment';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The one way a process fails on its settings: the line naming the variable on stderr,
 * then exit. Every entry point loads its config through this.
 */
export function loadOrExit<T>(load: () => T, exitCode = 1): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(exitCode);
  }
}

/** Empty strings count as unset: Heroku config and .env files often carry `FOO=`. */
export const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

export const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

export const intWithDefault = (fallback: number, min = 0) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.coerce.number().int().min(min).default(fallback));

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** `REDIS_URL` first, then `REDIS_URL_CLICKSTORE_1`, `_2`, ... in numeric order. */
export function redisUrlsFrom(env: Record<string, unknown>): string[] {
  const value = (key: string) => (typeof env[key] === 'string' && env[key] !== '' ? (env[key] as string) : undefined);
  const extra = Object.keys(env)
    .map((key) => /^REDIS_URL_CLICKSTORE_(\d+)$/.exec(key))
    .filter((m): m is RegExpExecArray => m !== null && value(m[0]) !== undefined)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => value(m[0]) as string);
  const primary = value('REDIS_URL');
  return [...new Set(primary ? [primary, ...extra] : extra)];
}
