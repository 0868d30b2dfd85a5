import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  createLinkSchema,
  linkSchema,
  listQuerySchema,
  targetWarnings,
  toLinkJson,
  updateLinkSchema,
} from '../../links/link-schemas.ts';
import type { LinkRecord, LinkStore } from '../../links/link-store.ts';
import { AppError } from '../../shared/app-error.ts';
import { apiRouter, bodyRefusals, denied, json, problem, security } from './openapi-parts.ts';

const Link = linkSchema.openapi('Link');
const Warning = z
  .object({ field: z.string(), message: z.string() })
  .openapi('Warning', { description: 'Saved, but probably not what was meant' });
const SavedLink = Link.extend({ warnings: z.array(Warning) }).openapi('SavedLink');
const LinkPage = z
  .object({
    data: z.array(Link),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next (older) page; null on the last page' }),
    total: z.number().int().openapi({ description: 'Links matching the filters, over all pages' }),
  })
  .openapi('LinkPage');
const CreateLink = createLinkSchema.openapi('CreateLink');
const UpdateLink = updateLinkSchema.openapi('UpdateLink');
const LinkRef = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'The numeric id or the slug', example: '42' }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/links',
  summary: 'List links, newest first',
  security,
  request: { query: listQuerySchema },
  responses: { 200: json(LinkPage, 'A page of links'), 400: problem('A query parameter is invalid'), ...denied },
});

const createLinkRoute = createRoute({
  method: 'post',
  path: '/links',
  summary: 'Create a link',
  security,
  request: { body: { ...json(CreateLink, 'The new link'), required: true } },
  responses: {
    201: json(SavedLink, 'Created; `warnings` points out likely mistakes that were saved anyway'),
    409: problem('The slug is taken (possibly by a deleted link)'),
    ...bodyRefusals,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/links/{id}',
  summary: 'Get a link by id or slug',
  security,
  request: { params: LinkRef },
  responses: { 200: json(Link, 'The link'), 404: problem('No such link, or it was deleted'), ...denied },
});

const updateRoute = createRoute({
  method: 'patch',
  path: '/links/{id}',
  summary: 'Change some fields of a link',
  description: 'Only the fields sent change. `targets` is merged: a URL sets that platform, null removes it. The slug cannot change.',
  security,
  request: { params: LinkRef, body: { ...json(UpdateLink, 'The fields to change'), required: true } },
  responses: { 200: json(SavedLink, 'The changed link'), 404: problem('No such link, or it was deleted'), ...bodyRefusals },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/links/{id}',
  summary: 'Delete a link',
  description: 'A soft delete: the tracking URL stops redirecting within a second, and the slug stays reserved.',
  security,
  request: { params: LinkRef },
  responses: { 204: { description: 'Deleted' }, 404: problem('No such link, or it was already deleted'), ...denied },
});

const restoreRoute = createRoute({
  method: 'post',
  path: '/links/{id}/restore',
  summary: 'Restore a deleted link',
  description: 'Undoes a delete: the tracking URL redirects again within a second. Restoring a live link changes nothing.',
  security,
  request: { params: LinkRef },
  responses: { 200: json(Link, 'The link, live again'), 404: problem('No link, live or deleted, has this id or slug'), ...denied },
});

const saved = (link: LinkRecord) => ({ ...toLinkJson(link), warnings: targetWarnings(link.targets) });

export function createLinkRoutes(store: LinkStore): OpenAPIHono {
  const app = apiRouter();

  app.openapi(listRoute, async (c) => {
    const page = await store.list(c.req.valid('query'));
    return c.json({ data: page.links.map(toLinkJson), next_cursor: page.nextCursor, total: page.total }, 200);
  });

  app.openapi(createLinkRoute, async (c) => {
    // A refusal of the store (a taken slug) is an AppError, answered by the API's one error handler.
    const link = await store.create(c.req.valid('json'));
    c.header('location', `${c.req.path}/${link.id}`);
    return c.json(saved(link), 201);
  });

  app.openapi(getRoute, async (c) => {
    const ref = c.req.valid('param').id;
    const link = await store.find(ref);
    if (!link) throw new AppError('not_found', `no link with id or slug ${JSON.stringify(ref)}`);
    return c.json(toLinkJson(link), 200);
  });

  app.openapi(updateRoute, async (c) => {
    const link = await store.update(c.req.valid('param').id, c.req.valid('json'));
    return c.json(saved(link), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    await store.remove(c.req.valid('param').id);
    return c.body(null, 204);
  });

  app.openapi(restoreRoute, async (c) => {
    return c.json(toLinkJson(await store.restore(c.req.valid('param').id)), 200);
  });

  return app;
}
