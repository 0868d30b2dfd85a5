import { fieldsOfKind, LINK_FIELD_NAMES, LINK_FIELDS, type LinkFieldSpec } from '../../links/link-fields.ts';
import type { LinkRecord } from '../../links/link.ts';
import type { FormValues } from './views/link-form.ts';

const TEXT_FIELDS = fieldsOfKind('text', 'url');
const NUMBER_FIELDS = fieldsOfKind('minutes');
const CHECKBOXES = fieldsOfKind('boolean');
const PLATFORMS = ['ios', 'android', 'default'] as const;

/** Only the string fields of a posted form; a file upload has no business here. */
export function formValues(body: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  return values;
}

// A number goes to the schema as a number; anything else as typed, so the schema's
// message ("must be a whole number of minutes") is what the person sees.
const numberOrRaw = (value: string) => (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);

/**
 * The whole form as an API-shaped input, for the same schemas as the API. An empty box
 * means "none": absent when creating, null (cleared) when editing.
 */
export function formToInput(values: FormValues, mode: 'create' | 'edit'): Record<string, unknown> {
  const empty = mode === 'create' ? undefined : null;
  const text = (name: string) => {
    const value = (values[name] ?? '').trim();
    return value === '' ? empty : value;
  };
  const input: Record<string, unknown> = {};
  const targets: Record<string, unknown> = {};
  for (const platform of PLATFORMS) targets[platform] = text(`targets.${platform}`);
  input.targets = targets;
  for (const name of TEXT_FIELDS) input[name] = text(name);
  for (const name of NUMBER_FIELDS) {
    const value = (values[name] ?? '').trim();
    if (value !== '') input[name] = numberOrRaw(value);
  }
  for (const name of CHECKBOXES) input[name] = values[name] === 'on';
  if (mode === 'create') input.slug = text('slug');
  return input;
}

/** A stored link as form values, for the edit form. */
export function linkToFormValues(link: LinkRecord): FormValues {
  const values: FormValues = {
    'targets.ios': link.targets.ios ?? '',
    'targets.android': link.targets.android ?? '',
    'targets.default': link.targets.default ?? '',
  };
  for (const name of LINK_FIELD_NAMES) {
    const value = link[LINK_FIELDS[name].column];
    values[name] = typeof value === 'boolean' ? (value ? 'on' : '') : value === null ? '' : String(value);
  }
  return values;
}

/** The defaults a new link starts with, matching the database's. */
export const NEW_LINK_VALUES: FormValues = Object.fromEntries(
  LINK_FIELD_NAMES.flatMap((name) => {
    const spec: LinkFieldSpec = LINK_FIELDS[name];
    const fallback = spec.default;
    if (fallback === undefined || fallback === false) return [];
    return [[name, fallback === true ? 'on' : String(fallback)]];
  }),
);
