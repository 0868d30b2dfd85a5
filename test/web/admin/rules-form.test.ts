import { describe, expect, it } from 'vitest';
import { updateLinkSchema } from '../../../src/links/link-schemas.ts';
import type { LinkRecord } from '../../../src/links/link-store.ts';
import { rulesSchema } from '../../../src/links/rules/rule-schema.ts';
import { applyFormAction, linkToRulesValues, ruleCount, rulesFormToInput } from '../../../src/web/admin/rules/rules-form.ts';

const RULES = rulesSchema.parse([
  {
    name: 'de',
    when: {
      countries: ['DE', 'AT'],
      languages: ['de'],
      platforms: ['ios', 'web'],
      devices: ['phone'],
      query: [{ param: 'src', equals: 'fb' }, { param: 'gclid', present: true }],
      ips: ['10.0.0.0/8'],
      time: { from: '2026-01-01T00:00:00Z', days: ['mon', 'fri'], hours: { from: '22:00', to: '06:00' }, timezone: 'Europe/Berlin' },
    },
    target: [{ url: 'https://a.example/', weight: 2, name: 'a' }, { url: 'https://b.example/', weight: 1 }],
  },
  { when: {}, targets: { ios: 'https://ios.example/', default: [{ url: 'https://x.example/', weight: 1 }, { url: 'https://y.example/', weight: 1, name: 'y' }] } },
]);

const link = {
  startsAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: null,
  expiredUrl: 'https://example.com/over',
  maxClicks: 10,
  rules: RULES,
} as unknown as LinkRecord;

describe('the rules form', () => {
  it('shows a link and reads back the same schedule, limit and rules', () => {
    const parsed = updateLinkSchema.parse(rulesFormToInput(linkToRulesValues(link)));
    expect(parsed).toMatchObject({ starts_at: '2026-01-01T00:00:00.000Z', expires_at: null, expired_url: 'https://example.com/over', max_clicks: 10 });
    expect(parsed.rules).toEqual(RULES);
  });

  it('adds, removes and reorders rule blocks without losing what was typed', () => {
    const values = linkToRulesValues(link);
    expect(ruleCount(values)).toBe(2);
    const added = applyFormAction(values, 'add')!;
    expect(ruleCount(added)).toBe(3);
    const swapped = applyFormAction(values, 'down:0')!;
    expect(swapped['rules.0.target.ios']).toBe('https://ios.example/');
    expect(swapped['rules.1.name']).toBe('de');
    expect(swapped['rules.1.platform.web']).toBe('on');
    expect(applyFormAction(swapped, 'up:1')).toEqual(applyFormAction(values, 'up:0'));
    const removed = applyFormAction(values, 'remove:0')!;
    expect(ruleCount(removed)).toBe(1);
    expect(removed['rules.0.target.ios']).toBe('https://ios.example/');
    expect(removed.starts_at).toBe(values.starts_at);
    expect(applyFormAction(values, 'nonsense')).toBeNull();
  });

  it('refuses through the API schema, naming the field', () => {
    const values = { ...linkToRulesValues(link), 'rules.0.countries': 'DE, Deutschland', max_clicks: 'lots' };
    const result = updateLinkSchema.safeParse(rulesFormToInput(values));
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['rules.0.when.countries.1', 'max_clicks']));
  });
});
