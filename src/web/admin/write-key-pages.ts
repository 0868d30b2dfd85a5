import { Hono } from 'hono';
import { describeProblems, fieldProblems } from '../../links/link-schemas.ts';
import type { WriteKeyStore } from '../../write-keys/write-key-store.ts';
import { createWriteKeySchema } from '../../write-keys/write-key-schemas.ts';
import type { AdminEnv } from './admin-env.ts';
import { formValues } from './form.ts';
import { writeKeysPage } from './views/write-keys.ts';

export interface WriteKeyPagesDeps {
  store: WriteKeyStore;
  /** Lets the event path forget a revoked key at once. */
  onRevoked: () => void;
}

/** `/admin/write-keys`: list, create (the key shown once, on the answer itself), revoke. */
export function createWriteKeyPages({ store, onRevoked }: WriteKeyPagesDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();

  app.get('/', async (c) => {
    const revokedId = Number(c.req.query('revoked'));
    const keys = await store.list();
    return c.html(writeKeysPage({ keys, csrfToken: c.get('csrfToken'), revoked: keys.find((k) => k.id === revokedId && k.revokedAt) }));
  });

  // The answer is a page, not a redirect: the key must never travel in a URL or come back on reload.
  app.post('/', async (c) => {
    const values = formValues(await c.req.parseBody());
    const parsed = createWriteKeySchema.safeParse({ name: values.name, platform: values.platform });
    if (!parsed.success) {
      const error = describeProblems(fieldProblems(parsed.error));
      return c.html(writeKeysPage({ keys: await store.list(), csrfToken: c.get('csrfToken'), error, values }), 400);
    }
    const created = await store.create(parsed.data);
    return c.html(writeKeysPage({ keys: await store.list(), csrfToken: c.get('csrfToken'), created }), 201);
  });

  app.post('/:id/revoke', async (c) => {
    const id = Number(c.req.param('id'));
    if (Number.isSafeInteger(id) && id > 0) {
      const revoked = await store.revoke(id).catch(() => undefined);
      if (revoked) {
        onRevoked();
        return c.redirect(`/admin/write-keys?revoked=${revoked.id}`, 303);
      }
    }
    return c.html(writeKeysPage({ keys: await store.list(), csrfToken: c.get('csrfToken'), error: 'No such write key.' }), 404);
  });
  return app;
}
