import { pino, type DestinationStream, type Logger } from 'pino';
import { redactSecrets, redactText } from './redact.ts';

export type { Logger };

/**
 * Every line goes through `redactSecrets`: a password in a Redis URL or in an ioredis
 * error's AUTH arguments, an API key, a private key never reach the log, whoever logs it.
 */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    name,
    base: { pid: process.pid },
    formatters: { log: (object: Record<string, unknown>) => redactSecrets(object) as Record<string, unknown> },
    // The formatter has turned errors into plain objects already; the default serializer
    // would otherwise see them again.
    serializers: { err: (err: unknown) => err },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)));
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
