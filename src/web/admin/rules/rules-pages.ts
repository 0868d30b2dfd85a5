import { Hono } from 'hono';
import { fieldProblems, updateLinkSchema, type FieldProblem } from '../../../links/link-schemas.ts';
import { LinkStoreError, type LinkStore } from '../../../links/link-store.ts';
import { explainLink, type ExplainDeps } from '../../../links/rules/explain-link.ts';
import { describedVisitor, explainQuerySchema } from '../../api/explain-route.ts';
import { formValues } from '../form.ts';
import type { AdminEnv } from '../admin-env.ts';
import { messagePage } from '../views/layout.ts';
import { applyFormAction, linkToRulesValues, rulesFormToInput } from './rules-form.ts';
import { rulesPage, type RulesView } from './rules-view.ts';

export interface RulesPagesDeps {
  store: LinkStore;
  explain: ExplainDeps;
  nowMs: () => number;
}

const TEST_FIELDS = ['ua', 'country', 'languages', 'ip', 'query', 'time'] as const;
const SAVED = 'Saved. Every web process uses the change within a second.';

/** `/admin/links/:id/rules`: the schedule, limit and rules editor, and "test this link". */
export function createRulesPages({ store, explain, nowMs }: RulesPagesDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();

  app.get('/:id/rules', async (c) => {
    const link = await store.find(c.req.param('id'));
    if (!link) return c.html(messagePage('No such link', 'This link does not exist or was deleted.', c.get('csrfToken')), 404);
    const query = c.req.query();
    const test: RulesView['test'] = { values: {}, problems: [] };
    for (const f of TEST_FIELDS) if (query[f]) test.values[f] = query[f];
    if (query.test === '1') {
      // An empty box means "not given", as an absent query parameter does in the API.
      const parsed = explainQuerySchema.safeParse(test.values);
      if (parsed.success) test.result = await explainLink(link, describedVisitor(parsed.data, nowMs()), explain);
      else test.problems = fieldProblems(parsed.error);
    } else {
      test.values.ua = c.req.header('user-agent') ?? '';
    }
    const view = { link, values: linkToRulesValues(link), problems: [], csrfToken: c.get('csrfToken'), test, message: query.saved === '1' ? SAVED : undefined };
    return c.html(rulesPage(view), test.problems.length ? 400 : 200);
  });

  app.post('/:id/rules', async (c) => {
    const link = await store.find(c.req.param('id'));
    if (!link) return c.html(messagePage('No such link', 'This link does not exist or was deleted.', c.get('csrfToken')), 404);
    const { _action: action = 'save', _csrf: _token, ...values } = formValues(await c.req.parseBody());
    const show = (v: Record<string, string>, problems: FieldProblem[], status: 200 | 400) =>
      c.html(rulesPage({ link, values: v, problems, csrfToken: c.get('csrfToken'), test: { values: {}, problems: [] } }), status);
    // Add, remove and reorder edit the unsaved form; only Save writes.
    const edited = action === 'save' ? null : applyFormAction(values, action);
    if (edited) return show(edited, [], 200);
    const parsed = updateLinkSchema.safeParse(rulesFormToInput(values));
    if (!parsed.success) return show(values, fieldProblems(parsed.error), 400);
    try {
      await store.update(String(link.id), parsed.data);
    } catch (err) {
      if (!(err instanceof LinkStoreError)) throw err;
      const field = err.field ?? 'link';
      return show(values, [{ field, message: err.message.replace(`${field}: `, '') }], 400);
    }
    return c.redirect(`/admin/links/${link.id}/rules?saved=1`, 303);
  });

  return app;
}
