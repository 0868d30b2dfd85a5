import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { describeProblems, fieldProblems, type FieldProblem } from '../../links/link-schemas.ts';
import type { AppError } from '../../shared/app-error.ts';

export const errorSchema = z
  .object({
    error: z.string().meta({ description: 'Machine-readable code', example: 'validation' }),
    message: z.string().meta({ description: 'What went wrong, naming the field', example: 'targets.ios: must be an https:, http:, itms-apps: or market: URL' }),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    request_id: z.string().optional().meta({ description: 'Quote it when reporting a problem: the server logged the same id' }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorSchema>;

export function validationBody(error: ZodError, prefix?: string): ErrorBody {
  const fields = fieldProblems(error).map((p) => (prefix ? { ...p, field: `${prefix}.${p.field}` } : p));
  return problemsBody(fields);
}

export function problemsBody(fields: FieldProblem[]): ErrorBody {
  return { error: 'validation', message: describeProblems(fields), fields };
}

export function appErrorBody(err: AppError): ErrorBody {
  const body: ErrorBody = { error: err.code, message: err.message };
  if (err.field) body.fields = [{ field: err.field, message: err.message.replace(`${err.field}: `, '') }];
  return body;
}
