import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { WriteKeyStore } from '../../write-keys/write-key-store.ts';
import { createdWriteKeySchema, createWriteKeySchema, toWriteKeyJson, writeKeySchema } from '../../write-keys/write-key-schemas.ts';
import { apiRouter, bodyRefusals, denied, json, problem, security } from './openapi-parts.ts';

const WriteKeyList = z.object({ data: z.array(writeKeySchema) }).openapi('WriteKeyList');
const KeyRef = z.object({
  id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' }, description: 'The write key id', example: 3 }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/write-keys',
  summary: 'List write keys, newest first (revoked ones included)',
  security,
  responses: { 200: json(WriteKeyList, 'Every write key; never the key itself'), ...denied },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/write-keys',
  summary: 'Create a write key for an app',
  description:
    'A write key lets an app or a server send events to `/v1/track` and `/v1/batch`, and nothing else. The key is in this answer only: the server keeps its SHA-256.',
  security,
  request: { body: { ...json(createWriteKeySchema, 'The app the key is for'), required: true } },
  responses: {
    201: json(createdWriteKeySchema, 'Created; `key` is shown this once'),
    ...bodyRefusals,
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/write-keys/{id}',
  summary: 'Revoke a write key',
  description: 'Events sent with it are refused (`401`) at once on this process and within 5 seconds on every other. Revoking a revoked key changes nothing.',
  security,
  request: { params: KeyRef },
  responses: { 200: json(writeKeySchema, 'The key, revoked'), 404: problem('No write key has this id'), ...denied },
});

/** `/api/v1/write-keys`; `onRevoked` lets the event path forget the key at once. */
export function createWriteKeyRoutes(store: WriteKeyStore, onRevoked: () => void = () => {}): OpenAPIHono {
  const app = apiRouter();
  app.openapi(listRoute, async (c) => c.json({ data: (await store.list()).map(toWriteKeyJson) }, 200));
  app.openapi(createKeyRoute, async (c) => {
    const { record, key } = await store.create(c.req.valid('json'));
    c.header('location', `${c.req.path}/${record.id}`);
    return c.json({ ...toWriteKeyJson(record), key }, 201);
  });
  app.openapi(revokeRoute, async (c) => {
    const record = await store.revoke(c.req.valid('param').id);
    onRevoked();
    return c.json(toWriteKeyJson(record), 200);
  });
  return app;
}
