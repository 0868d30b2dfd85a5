import { parseArgs } from 'node:util';
import { describeProblems, fieldProblems } from '../links/link-schemas.ts';
import { AppError } from '../shared/app-error.ts';
import type { WriteKeyRecord } from '../write-keys/write-key.ts';
import { createWriteKeySchema, toWriteKeyJson } from '../write-keys/write-key-schemas.ts';
import type { WriteKeyStore } from '../write-keys/write-key-store.ts';
import type { CommandIo, ExitCode } from './links-command.ts';

export const WRITE_KEYS_USAGE = `Usage: npm run links -- write-keys <command> [--json]

Commands:
  list                                   every write key (revoked ones too), by its first characters
  create --name NAME --platform P        a key for an app; P: ios, android, web or server.
                                         The key is printed this once: only its hash is stored
  revoke <id>                            events sent with the key are refused from then on`;

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    options: { name: { type: 'string' }, platform: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });

function line(key: WriteKeyRecord): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString().slice(0, 10)}` : 'live';
  return `${String(key.id).padStart(4)}  ${`${key.keyPrefix}…`.padEnd(13)}  ${key.platform.padEnd(8)}  ${state.padEnd(18)}  ${key.name}`;
}

/** `links write-keys list|create|revoke`: the same store and rules as the admin API and UI. */
export async function runWriteKeysCommand(argv: string[], deps: CommandIo & { store: WriteKeyStore }): Promise<ExitCode> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    deps.err(`${(err as Error).message}\n\n${WRITE_KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (command ? deps.out : deps.err)(WRITE_KEYS_USAGE);
    return values.help ? 0 : 2;
  }
  try {
    if (command === 'list' && rest.length === 0) {
      const keys = await deps.store.list();
      if (values.json) deps.out(JSON.stringify(keys.map(toWriteKeyJson), null, 2));
      else if (keys.length === 0) deps.out('no write keys yet: npm run links -- write-keys create --name NAME --platform ios');
      else for (const key of keys) deps.out(line(key));
      return 0;
    }
    if (command === 'create' && rest.length === 0) {
      const input = createWriteKeySchema.safeParse({ name: values.name, platform: values.platform });
      if (!input.success) {
        deps.err(`refused: ${describeProblems(fieldProblems(input.error))}`);
        return 1;
      }
      const { record, key } = await deps.store.create(input.data);
      if (values.json) deps.out(JSON.stringify({ ...toWriteKeyJson(record), key }, null, 2));
      else deps.out(`${key}\n\nwrite key ${record.id} for ${record.name} (${record.platform}). Copy it now: it is not shown again.`);
      return 0;
    }
    if (command === 'revoke' && rest.length === 1 && /^\d{1,15}$/.test(rest[0] ?? '')) {
      const record = await deps.store.revoke(Number(rest[0]));
      deps.out(values.json ? JSON.stringify(toWriteKeyJson(record), null, 2) : `revoked: ${line(record)}`);
      return 0;
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    deps.err(`refused: ${err.message}`);
    return 1;
  }
  deps.err(`unknown write-keys command: ${positionals.join(' ')}\n\n${WRITE_KEYS_USAGE}`);
  return 2;
}
