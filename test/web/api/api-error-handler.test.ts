import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/app-error.ts';
import type { Logger } from '../../../src/shared/logger.ts';
import { apiErrorHandler } from '../../../src/web/api/api-error-handler.ts';

function appThrowing(err: unknown) {
  const logged: Array<Record<string, unknown>> = [];
  const logger = { error: (fields: Record<string, unknown>) => void logged.push(fields) } as unknown as Logger;
  const app = new Hono().use('*', requestId()).get('/x', () => {
    throw err;
  });
  app.onError(apiErrorHandler(logger));
  return { app, logged };
}

describe('the API error handler', () => {
  it('answers a refusal with its code, status and field, and logs nothing', async () => {
    const { app, logged } = appThrowing(new AppError('conflict', 'slug: is already taken', 'slug'));
    const res = await app.request('/x');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'conflict', fields: [{ field: 'slug', message: 'is already taken' }] });
    expect(logged).toEqual([]);
  });

  it('answers a bug with a 500 whose request id is the one in the log line', async () => {
    const { app, logged } = appThrowing(new Error('boom'));
    const res = await app.request('/x');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { request_id: string; message: string };
    expect(body.message).toBe('internal error');
    expect(body.request_id).toBe(res.headers.get('x-request-id'));
    expect(logged).toHaveLength(1);
    expect(logged[0]?.request_id).toBe(body.request_id);
  });
});
