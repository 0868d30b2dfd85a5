import { html } from 'hono/html';
import type { FieldProblem } from '../../../links/link-schemas.ts';
import type { LinkExplanation } from '../../../links/rules/explain-link.ts';
import { notice, page, type Html } from '../views/layout.ts';
import { ruleCount, RULE_DEVICES, RULE_PLATFORMS } from './rules-form.ts';

type Values = Record<string, string>;

export interface RulesView {
  link: { id: number; slug: string };
  values: Values;
  problems: FieldProblem[];
  csrfToken: string;
  message?: string | undefined;
  /** The "test this link" form's values and, once sent, its answer or its problems. */
  test: { values: Values; result?: LinkExplanation | undefined; problems: FieldProblem[] };
}

const id = (name: string) => `f-${name.replace(/\./g, '-')}`;

function input(name: string, label: string, values: Values, hint?: string): Html {
  return html`<div class="field"><label for="${id(name)}">${label}</label><input id="${id(name)}" name="${name}" value="${values[name] ?? ''}" autocomplete="off">${hint ? html`<small class="hint">${hint}</small>` : ''}</div>`;
}

function area(name: string, label: string, values: Values, hint: string): Html {
  return html`<div class="field"><label for="${id(name)}">${label}</label><textarea id="${id(name)}" name="${name}" rows="${Math.min(10, Math.max(2, (values[name] ?? '').split('\n').length + 1))}">${values[name] ?? ''}</textarea><small class="hint">${hint}</small></div>`;
}

function checks(prefix: string, options: readonly string[], legend: string, values: Values): Html {
  return html`<div class="field checks"><span>${legend}</span>${options.map(
    (o) => html`<label class="check"><input type="checkbox" name="${prefix}.${o}" value="on" ${values[`${prefix}.${o}`] === 'on' ? 'checked' : ''}> ${o}</label>`,
  )}</div>`;
}

const VARIANT_HINT = 'One URL, or a split test: one variant per line, "weight URL name" (e.g. "50 https://a.example/ a")';

function ruleBlock(n: number, count: number, view: RulesView): Html {
  const p = `rules.${n}`;
  const problems = view.problems.filter((x) => x.field === p || x.field.startsWith(`${p}.`));
  const button = (action: string, label: string, disabled = false) =>
    html`<button type="submit" name="_action" value="${action}" class="small" ${disabled ? 'disabled' : ''}>${label}</button>`;
  return html`<fieldset class="rule${problems.length ? ' invalid' : ''}" data-rule="${n}">
  <legend>Rule ${n + 1}</legend>
  <div class="rule-actions">${button(`up:${n}`, 'Move up', n === 0)}${button(`down:${n}`, 'Move down', n === count - 1)}${button(`remove:${n}`, 'Remove')}</div>
  ${problems.length ? html`<ul class="error">${problems.map((x) => html`<li>${x.field}: ${x.message}</li>`)}</ul>` : ''}
  ${input(`${p}.name`, 'Name (in the stats)', view.values, 'Letters, digits, . - _; default: its position')}
  <div class="grid">
    ${input(`${p}.countries`, 'Countries', view.values, 'ISO codes, e.g. DE, AT')}
    ${input(`${p}.languages`, 'Languages', view.values, 'e.g. de, pt-BR')}
    ${input(`${p}.query`, 'Query parameters', view.values, 'utm_source=fb (equals), gclid (present)')}
    ${input(`${p}.ips`, 'IP ranges', view.values, 'e.g. 10.0.0.0/8, 2001:db8::/32')}
  </div>
  ${checks(`${p}.platform`, RULE_PLATFORMS, 'Platforms', view.values)}
  ${checks(`${p}.device`, RULE_DEVICES, 'Devices', view.values)}
  <div class="grid">
    ${input(`${p}.from`, 'From', view.values, '2026-06-01T00:00:00Z')}
    ${input(`${p}.until`, 'Until', view.values, '2026-07-01T00:00:00Z')}
    ${input(`${p}.days`, 'Days', view.values, 'mon, tue, …')}
    ${input(`${p}.hours`, 'Hours', view.values, '09:00-17:00')}
    ${input(`${p}.timezone`, 'Time zone', view.values, 'default UTC, e.g. Europe/Berlin')}
  </div>
  ${area(`${p}.target.all`, 'Send to (every platform)', view.values, VARIANT_HINT)}
  <details ${['ios', 'android', 'default'].some((d) => view.values[`${p}.target.${d}`]) ? 'open' : ''}><summary>…or per platform</summary>
    ${area(`${p}.target.ios`, 'iOS', view.values, VARIANT_HINT)}${area(`${p}.target.android`, 'Android', view.values, VARIANT_HINT)}${area(`${p}.target.default`, 'Everyone else', view.values, VARIANT_HINT)}
  </details>
</fieldset>`;
}

function explanation(result: LinkExplanation): Html {
  const where = result.answer === 'expired' ? `expired (${result.schedule}): ${result.target ?? 'the unknown-link answer'}` : result.answer === 'no_target' ? 'no target for this platform: the unknown-link answer' : result.target;
  return html`<div class="explanation" role="status">
  <p><strong>Goes to:</strong> <span class="url" id="explain-target">${where}</span></p>
  <p><strong>Rule:</strong> <span id="explain-rule">${result.rule ? `${result.rule.index + 1} (${result.rule.name})` : 'none: the link targets'}</span>${result.variant ? html` · <strong>Variant:</strong> <span id="explain-variant">${result.variant}</span>` : ''}</p>
  <p class="hint">Visitor: ${result.visitor.platform}, ${result.visitor.device}, country ${result.visitor.country ?? 'unknown'}, languages ${result.visitor.languages.join(', ') || 'none'}, at ${result.visitor.time}</p>
  ${result.rules.length ? html`<ol class="trace">${result.rules.map((r) => html`<li class="${r.matched ? 'matched' : 'failed'}">Rule ${r.index + 1} (${r.name}): ${r.matched ? 'matches' : r.reasons.join('; ')}</li>`)}</ol>` : ''}
</div>`;
}

export function rulesPage(view: RulesView): Html {
  const count = ruleCount(view.values);
  const general = view.problems.filter((x) => !x.field.startsWith('rules.'));
  const body = html`<h1>Rules and schedule: ${view.link.slug}</h1>
${view.message ? notice('ok', view.message) : ''}
${view.problems.length ? notice('error', html`Please correct: ${view.problems.map((x) => `${x.field}: ${x.message}`).join('; ')}`) : ''}
<form method="post" action="/admin/links/${view.link.id}/rules" class="link-form rules-form" novalidate>
  <input type="hidden" name="_csrf" value="${view.csrfToken}">
  <fieldset><legend>Schedule and limit</legend>
    ${general.length ? html`<ul class="error">${general.map((x) => html`<li>${x.field}: ${x.message}</li>`)}</ul>` : ''}
    <div class="grid">
      ${input('starts_at', 'Starts at', view.values, 'e.g. 2026-06-01T00:00:00Z; empty: at once')}
      ${input('expires_at', 'Expires at', view.values, 'empty: never')}
      ${input('max_clicks', 'Click limit', view.values, 'Human clicks; empty: none')}
      ${input('expired_url', 'When expired, send to', view.values, 'empty: the unknown-link answer')}
    </div>
  </fieldset>
  <p class="hint">Rules are checked in order; the first whose conditions all hold decides. None: the link's own targets.</p>
  ${Array.from({ length: count }, (_, n) => ruleBlock(n, count, view))}
  <div class="actions">
    <button type="submit" name="_action" value="add" class="secondary">Add a rule</button>
    <button type="submit" name="_action" value="save">Save</button>
    <a href="/admin/links/${view.link.id}">Cancel</a>
  </div>
</form>
<section class="test-link">
  <h2>Test this link</h2>
  <form method="get" action="/admin/links/${view.link.id}/rules" class="link-form" novalidate>
    <input type="hidden" name="test" value="1">
    <div class="grid">
      ${input('ua', 'User agent', view.test.values)}
      ${input('country', 'Country', view.test.values, 'empty: from the IP address')}
      ${input('languages', 'Languages', view.test.values, 'e.g. de-AT, en;q=0.5')}
      ${input('ip', 'IP address', view.test.values)}
      ${input('query', 'Query string', view.test.values, 'e.g. utm_source=fb')}
      ${input('time', 'Time', view.test.values, 'empty: now')}
    </div>
    ${view.test.problems.length ? html`<ul class="error">${view.test.problems.map((x) => html`<li>${x.field}: ${x.message}</li>`)}</ul>` : ''}
    <div class="actions"><button type="submit">Explain</button></div>
  </form>
  ${view.test.result ? explanation(view.test.result) : ''}
</section>`;
  return page({ title: `Rules: ${view.link.slug}`, body, csrfToken: view.csrfToken });
}
