/**
 * Postgres array literals (`{1,2,NULL}`, `{"a","b\"c"}`), sent as ONE text parameter and
 * cast in SQL (`${textArray(v)}::text[]`): a batch of thousands of events becomes a dozen
 * parameters that `unnest` turns back into rows, cheaper for Postgres than parsing JSON and
 * within the 65,535 parameters of a statement. (drizzle would spread a JS array into one
 * parameter per element.) The fold builds dozens of these per batch, so they are built
 * the cheap way: `join` where no element needs more than its decimal form.
 */
export function numberArray(values: readonly (number | bigint | null)[]): string {
  if (!values.includes(null)) return `{${values.join(',')}}`;
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

export function boolArray(values: readonly boolean[]): string {
  return `{${values.map((v) => (v ? 't' : 'f')).join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/g;

export function textArray(values: readonly string[]): string {
  // A batch repeats a few values thousands of times: each is quoted once.
  const quoted = new Map<string, string>();
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    let q = quoted.get(v);
    if (q === undefined) quoted.set(v, (q = `"${v.replace(NEEDS_ESCAPE, '\\$&')}"`));
    out += i === 0 ? q : `,${q}`;
  }
  return `${out}}`;
}
