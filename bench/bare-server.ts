// The baseline: a bare Hono route answering the same 302 with the same headers, doing
// nothing else. The click path's figure is read against this, in the same run.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const location = process.env.BARE_LOCATION ?? 'https://apps.apple.com/app/id284882215';
const headers = { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };
const app = new Hono().get('/t/click/:slug', () => new Response(null, { status: 302, headers }));
serve({ fetch: app.fetch, port: Number(process.env.PORT) }, () => console.log('web listening'));
