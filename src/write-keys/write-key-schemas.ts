import { z } from '@hono/zod-openapi';
import type { WriteKeyRecord } from './write-key.ts';

/** The platforms an app may be registered for; `server` is a backend sending purchases. */
export const WRITE_KEY_PLATFORMS = ['ios', 'android', 'web', 'server'] as const;

const NAME_MAX = 128;

/** One schema for the admin API, the admin UI and the CLI, so all three refuse alike. */
export const createWriteKeySchema = z
  .strictObject({
    name: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
      .trim()
      .min(1, 'is required')
      .max(NAME_MAX, `must be at most ${NAME_MAX} characters`)
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
      .openapi({ description: 'The app (or server) the key is for', example: 'Example iOS app' }),
    platform: z
      .enum(WRITE_KEY_PLATFORMS, { error: `must be one of ${WRITE_KEY_PLATFORMS.join(', ')}` })
      .openapi({ description: 'Events that name no platform of their own get this one' }),
  })
  .openapi('CreateWriteKey');

export type CreateWriteKeyInput = z.infer<typeof createWriteKeySchema>;

export const writeKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    platform: z.string(),
    key_prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart', example: 'wk_AbCd1234' }),
    created_at: z.string().openapi({ description: 'ISO-8601' }),
    revoked_at: z.string().nullable().openapi({ description: 'ISO-8601; a revoked key authenticates nothing' }),
  })
  .openapi('WriteKey');

export type WriteKeyJson = z.infer<typeof writeKeySchema>;

export const createdWriteKeySchema = writeKeySchema
  .extend({ key: z.string().openapi({ description: 'The key itself. Shown this once: only its hash is stored', example: 'wk_…' }) })
  .openapi('CreatedWriteKey');

export function toWriteKeyJson(record: WriteKeyRecord): WriteKeyJson {
  return {
    id: record.id,
    name: record.name,
    platform: record.platform,
    key_prefix: record.keyPrefix,
    created_at: record.createdAt.toISOString(),
    revoked_at: record.revokedAt?.toISOString() ?? null,
  };
}

export function fromWriteKeyJson(json: WriteKeyJson): WriteKeyRecord {
  return {
    id: json.id,
    name: json.name,
    platform: json.platform,
    keyPrefix: json.key_prefix,
    createdAt: new Date(json.created_at),
    revokedAt: json.revoked_at === null ? null : new Date(json.revoked_at),
  };
}
