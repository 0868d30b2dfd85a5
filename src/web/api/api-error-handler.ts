import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../../shared/app-error.ts';
import type { Logger } from '../../shared/logger.ts';
import { appErrorBody } from './api-errors.ts';

/**
 * The API's one error handler: a refusal (AppError) answers with its code's status and
 * the field at fault; a validator's 400 or 415 as it is; anything else is a bug, logged
 * with the request id that the 500 answer also carries.
 */
export function apiErrorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    const request_id = c.get('requestId') as string | undefined;
    if (err instanceof AppError) return c.json({ ...appErrorBody(err), request_id }, err.status);
    // Malformed JSON (400) and a body that is not JSON (415) come from the validators.
    if (err instanceof HTTPException && err.status < 500) {
      const error = err.status === 415 ? 'unsupported_media_type' : 'bad_request';
      return c.json({ error, message: err.message, request_id }, err.status as ContentfulStatusCode);
    }
    logger.error({ err, path: c.req.path, request_id }, 'admin API failed');
    return c.json({ error: 'internal', message: 'internal error', request_id }, 500);
  };
}
