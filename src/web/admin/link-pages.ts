import { Hono, type Context } from 'hono';
import {
  createLinkSchema,
  fieldProblems,
  listQuerySchema,
  targetWarnings,
  updateLinkSchema,
  type FieldProblem,
} from '../../links/link-schemas.ts';
import { LinkStoreError, type LinkStore } from '../../links/link-store.ts';
import { formToInput, formValues, linkToFormValues, NEW_LINK_VALUES } from './form.ts';
import { trackingUrl } from './origin.ts';
import { qrSvg } from './qr.ts';
import type { AdminStats } from './stats-pages.ts';
import type { AdminEnv } from './admin-env.ts';
import { messagePage } from './views/layout.ts';
import { detailPage } from './views/link-detail.ts';
import { formPage } from './views/link-form.ts';
import { listPage } from './views/link-list.ts';


export interface LinkPagesDeps {
  store: LinkStore;
  origin: (c: Context) => string;
  stats?: AdminStats | undefined;
}

/** A refusal of the store, shown next to its field like a schema's problem; anything else is a bug. */
function storeRefusal(err: unknown): { problem: FieldProblem; status: 400 | 409 } {
  if (!(err instanceof LinkStoreError)) throw err;
  const field = err.field ?? 'link';
  return { problem: { field, message: err.message.replace(`${field}: `, '') }, status: err.code === 'conflict' ? 409 : 400 };
}

const SAVED = 'Saved. Every web process uses the change within a second.';
const RESTORED = 'Restored. The tracking URL redirects again within a second.';

/** The signed-in pages under /admin/links: list, create, show, edit, delete, restore. */
export function createLinkPages({ store, origin, stats }: LinkPagesDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const notFound = (c: Context<AdminEnv>) =>
    c.html(messagePage('No such link', 'This link does not exist or was deleted.', c.get('csrfToken')), 404);

  app.get('/', async (c) => {
    // An empty search box is no filter, not a filter for the empty string.
    const { removed, removed_id: removedId, ...raw } = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const parsed = listQuerySchema.safeParse(raw);
    const csrfToken = c.get('csrfToken');
    if (!parsed.success) {
      const error = fieldProblems(parsed.error).map((p) => `${p.field} ${p.message}`).join('; ');
      return c.html(listPage({ result: null, query: {}, origin: origin(c), csrfToken, error }), 400);
    }
    const result = await store.list(parsed.data);
    // Undo restores by id: a slug of digits would name another link's id (see LinkStore.find).
    const undo = removed && removedId && /^\d+$/.test(removedId) ? { slug: removed, id: removedId } : undefined;
    const counts = stats && parsed.data.deleted !== 'true' ? await stats.clickCounts(result.links.map((l) => l.id)) : undefined;
    return c.html(listPage({ result, query: parsed.data, origin: origin(c), csrfToken, removed: undo, counts }));
  });

  app.get('/new', (c) => c.html(formPage({ mode: 'create', values: NEW_LINK_VALUES, problems: [], csrfToken: c.get('csrfToken') })));

  app.post('/', async (c) => {
    const values = formValues(await c.req.parseBody());
    const refuse = (problems: FieldProblem[], status: 400 | 409) =>
      c.html(formPage({ mode: 'create', values, problems, csrfToken: c.get('csrfToken') }), status);
    const parsed = createLinkSchema.safeParse(formToInput(values, 'create'));
    if (!parsed.success) return refuse(fieldProblems(parsed.error), 400);
    try {
      const link = await store.create(parsed.data);
      return c.redirect(`/admin/links/${link.id}?saved=1`, 303);
    } catch (err) {
      const { problem, status } = storeRefusal(err);
      return refuse([problem], status);
    }
  });

  app.get('/:id', async (c) => {
    const link = await store.find(c.req.param('id'));
    if (!link) return notFound(c);
    const url = trackingUrl(origin(c), link.slug);
    return c.html(
      detailPage({
        link,
        trackingUrl: url,
        qrSvg: await qrSvg(url),
        warnings: targetWarnings(link.targets),
        csrfToken: c.get('csrfToken'),
        statsSection: stats ? await stats.linkSection(c, link.id) : undefined,
        message: c.req.query('saved') === '1' ? SAVED : c.req.query('restored') === '1' ? RESTORED : undefined,
      }),
    );
  });

  app.get('/:id/qr.svg', async (c) => {
    const link = await store.find(c.req.param('id'));
    if (!link) return notFound(c);
    return c.body(await qrSvg(trackingUrl(origin(c), link.slug)), 200, {
      'content-type': 'image/svg+xml',
      'content-disposition': `attachment; filename="${link.slug}.svg"`,
    });
  });

  app.get('/:id/edit', async (c) => {
    const link = await store.find(c.req.param('id'));
    if (!link) return notFound(c);
    return c.html(formPage({ mode: 'edit', link, values: linkToFormValues(link), problems: [], csrfToken: c.get('csrfToken') }));
  });

  app.post('/:id', async (c) => {
    const link = await store.find(c.req.param('id'));
    if (!link) return notFound(c);
    const values = formValues(await c.req.parseBody());
    const refuse = (problems: FieldProblem[]) =>
      c.html(formPage({ mode: 'edit', link, values, problems, csrfToken: c.get('csrfToken') }), 400);
    const parsed = updateLinkSchema.safeParse(formToInput(values, 'edit'));
    if (!parsed.success) return refuse(fieldProblems(parsed.error));
    try {
      await store.update(String(link.id), parsed.data);
      return c.redirect(`/admin/links/${link.id}?saved=1`, 303);
    } catch (err) {
      return refuse([storeRefusal(err).problem]);
    }
  });

  app.post('/:id/delete', async (c) => {
    try {
      const link = await store.remove(c.req.param('id'));
      return c.redirect(`/admin/links?removed=${encodeURIComponent(link.slug)}&removed_id=${link.id}`, 303);
    } catch (err) {
      storeRefusal(err);
      return notFound(c);
    }
  });

  app.post('/:id/restore', async (c) => {
    try {
      const link = await store.restore(c.req.param('id'));
      return c.redirect(`/admin/links/${link.id}?restored=1`, 303);
    } catch (err) {
      storeRefusal(err);
      return notFound(c);
    }
  });

  return app;
}
