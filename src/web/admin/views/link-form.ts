import { html } from 'hono/html';
import { LINK_FIELD_NAMES, LINK_FIELDS, type FieldGroup, type LinkFieldSpec } from '../../../links/link-fields.ts';
import type { FieldProblem } from '../../../links/link-schemas.ts';
import { notice, page, type Html } from './layout.ts';

/** The form's raw values, as typed, so a refused form comes back as the person left it. */
export type FormValues = Record<string, string>;

export interface FormView {
  mode: 'create' | 'edit';
  /** The link being edited: its id for the action, its slug for the heading. */
  link?: { id: number; slug: string };
  values: FormValues;
  problems: FieldProblem[];
  csrfToken: string;
}

interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  kind?: 'text' | 'url' | 'number' | 'checkbox';
  max?: number;
}

const TARGETS: FieldSpec[] = [
  { name: 'targets.ios', label: 'iOS target', hint: 'App Store URL (https://apps.apple.com/… or itms-apps://…)', kind: 'url', max: 2048 },
  { name: 'targets.android', label: 'Android target', hint: 'Play Store URL (https://play.google.com/… or market://…)', kind: 'url', max: 2048 },
  { name: 'targets.default', label: 'Everyone else', hint: 'A web page for desktops and other phones', kind: 'url', max: 2048 },
];
const INPUT_KIND = { text: 'text', url: 'url', minutes: 'number', boolean: 'checkbox' } as const;

/** The form's inputs for one group of link-fields.ts, in declaration order. */
const group = (name: FieldGroup): FieldSpec[] =>
  LINK_FIELD_NAMES.filter((field) => LINK_FIELDS[field].group === name).map((field) => {
    const spec: LinkFieldSpec = LINK_FIELDS[field];
    return { name: field, label: spec.label, kind: INPUT_KIND[spec.kind], ...(spec.max ? { max: spec.max } : {}) };
  });
const LABELS = group('labels');
const ATTRIBUTION = group('attribution');
const REFERENCE = group('reference');

const fieldId = (name: string) => `f-${name.replace('.', '-')}`;

function field(spec: FieldSpec, view: FormView): Html {
  const id = fieldId(spec.name);
  const value = view.values[spec.name] ?? '';
  const problem = view.problems.find((p) => p.field === spec.name);
  const described = [problem ? `${id}-error` : '', spec.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  if (spec.kind === 'checkbox') {
    return html`<div class="field check"><input type="checkbox" id="${id}" name="${spec.name}" value="on" ${value === 'on' ? 'checked' : ''}><label for="${id}">${spec.label}</label></div>`;
  }
  // type=text, not url/number: the browser's own checks would hide the server's messages,
  // which are the same ones the API gives.
  const inputMode = spec.kind === 'url' ? 'url' : spec.kind === 'number' ? 'numeric' : 'text';
  return html`<div class="field${problem ? ' invalid' : ''}">
  <label for="${id}">${spec.label}</label>
  <input id="${id}" name="${spec.name}" value="${value}" inputmode="${inputMode}" ${spec.max ? html`maxlength="${spec.max}"` : ''} ${described ? html`aria-describedby="${described}"` : ''} ${problem ? html`aria-invalid="true"` : ''} autocomplete="off">
  ${spec.hint ? html`<small id="${id}-hint" class="hint">${spec.hint}</small>` : ''}
  ${problem ? html`<p id="${id}-error" class="error">${problem.message}</p>` : ''}
</div>`;
}

export function formPage(view: FormView): Html {
  const editing = view.mode === 'edit' && view.link;
  const action = editing ? `/admin/links/${view.link?.id}` : '/admin/links';
  const title = editing ? `Edit ${view.link?.slug}` : 'New link';
  // Problems without an input of their own (e.g. "targets: needs at least one") go on top.
  const shown = new Set([...TARGETS, ...LABELS, ...ATTRIBUTION, ...REFERENCE].map((s) => s.name).concat(editing ? [] : ['slug']));
  const general = view.problems.filter((p) => !shown.has(p.field));
  const body = html`<h1>${title}</h1>
${view.problems.length > 0 ? notice('error', html`Please correct: ${view.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`) : ''}
<form method="post" action="${action}" class="link-form" novalidate>
  <input type="hidden" name="_csrf" value="${view.csrfToken}">
  ${editing
    ? ''
    : field({ name: 'slug', label: 'Slug', hint: 'Letters, digits, - and _. Leave empty for a random one. It cannot change later.', max: 64 }, view)}
  <fieldset><legend>Where visitors go</legend>${general.length > 0 ? html`<p class="error">${general.map((p) => `${p.field} ${p.message}`).join('; ')}</p>` : ''}${TARGETS.map((s) => field(s, view))}</fieldset>
  <fieldset><legend>Labels</legend>${LABELS.map((s) => field(s, view))}</fieldset>
  <fieldset><legend>Attribution</legend>${ATTRIBUTION.map((s) => field(s, view))}</fieldset>
  <details ${REFERENCE.some((s) => view.values[s.name]) ? 'open' : ''}><summary>More</summary>${REFERENCE.map((s) => field(s, view))}</details>
  <div class="actions">
    <button type="submit">${editing ? 'Save' : 'Create link'}</button>
    <a href="${editing ? `/admin/links/${view.link?.id}` : '/admin/links'}">Cancel</a>
  </div>
</form>`;
  return page({ title, body, csrfToken: view.csrfToken });
}
