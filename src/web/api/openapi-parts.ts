import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { errorSchema, validationBody } from './api-errors.ts';

// The pieces every `/api/v1` route's OpenAPI description shares, declared once.

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
export const problem = (description: string) => json(errorSchema, description);
export const security = [{ bearerAuth: [] }];

/** What every route behind the API key may answer before it runs. */
export const denied = {
  401: problem('Missing or wrong API key'),
  429: {
    ...problem('Too many wrong API keys from this address (10 in 15 minutes, API and admin sign-in together); refused until Retry-After, even with the right key'),
    headers: { 'Retry-After': { description: 'Seconds until the address may try again', schema: { type: 'integer' as const } } },
  },
  503: problem('API_KEY is not set on the server'),
};

/** What any route that takes a JSON body may answer besides success. */
export const bodyRefusals = {
  400: problem('A field is invalid; the message names it'),
  415: problem('The body is not sent as `Content-Type: application/json`'),
  ...denied,
};

/** A router for `/api/v1` routes: every 400 names the field, in the same words the admin UI and the CLI use. */
export function apiRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationBody(result.error), 400);
    },
  });
}
