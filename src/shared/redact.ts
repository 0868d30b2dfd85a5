import { stdSerializers } from 'pino';

/**
 * Takes secrets out of whatever is about to be logged: a password in a URL, a value under
 * a key that names a secret, the arguments of a Redis AUTH/HELLO command (ioredis puts
 * them on its errors, so a WRONGPASS would print the password), a PEM private key.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY = /(pass(word|wd)?|secret|token|api_?key|private_?key|cert_key|authorization|cookie|credentials?)$/i;
// scheme://userinfo@ — the whole userinfo but the user name goes.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/gi;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const SECRET_COMMANDS = new Set(['auth', 'hello', 'acl', 'config', 'migrate']);
const MAX_DEPTH = 8;

export function redactText(text: string): string {
  return text
    .replace(URL_USERINFO, (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:${REDACTED}` : REDACTED}@`;
    })
    .replace(PEM_PRIVATE_KEY, REDACTED);
}

function isSecretCommand(value: Record<string, unknown>): boolean {
  return typeof value.name === 'string' && Array.isArray(value.args) && SECRET_COMMANDS.has(value.name.toLowerCase());
}

/** A copy of `value` with secrets replaced; errors become pino's plain serialized form. */
export function redactSecrets(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  seen.add(value);
  // pino's own serializer first: it keeps what is not enumerable on errors (message, stack,
  // the errors of an AggregateError, the cause), which is often where the reason is.
  if (value instanceof Error) return redactSecrets(stdSerializers.err(value), seen, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, seen, depth + 1));
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    if (SECRET_KEY.test(key) && item !== null && item !== undefined && item !== '') out[key] = REDACTED;
    else if (key === 'args' && isSecretCommand(source)) out[key] = [REDACTED];
    else out[key] = redactSecrets(item, seen, depth + 1);
  }
  return out;
}
