/**
 * Postgres array literals (`{1,2,NULL}`, `{"a","b\"c"}`), sent as ONE text parameter and
 * cast in SQL (`${textArray(v)}::text[]`): a batch of thousands of events becomes a dozen
 * parameters that `unnest` turns back into rows, cheaper for Postgres than parsing JSON and
 * within the 65,535 parameters of a statement. (drizzle would spread a JS array into one
 * parameter per element.)
 */
export function numberArray(values: readonly (number | bigint | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

export function boolArray(values: readonly boolean[]): string {
  return `{${values.map((v) => (v ? 't' : 'f')).join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/g;

export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(NEEDS_ESCAPE, '\\$&')}"`).join(',')}}`;
}
