import type { z } from '@hono/zod-openapi';
import { errorSchema } from './api-errors.ts';

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
