import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeProblems, fieldProblems } from '../../../src/links/link-schemas.ts';
import { rulesSchema } from '../../../src/links/rules/rule-schema.ts';

// Wrapped as in a link body, so the paths read as the API reports them.
const body = z.strictObject({ rules: rulesSchema });

function problems(input: unknown): string {
  const result = body.safeParse({ rules: input });
  if (result.success) return '';
  return describeProblems(fieldProblems(result.error));
}

describe('rule validation names the field', () => {
  it('accepts a full rule set', () => {
    const result = rulesSchema.safeParse([
      {
        name: 'de',
        when: {
          countries: ['de'],
          languages: ['de', 'pt-BR'],
          platforms: ['ios'],
          devices: ['phone'],
          query: [{ param: 'src', equals: 'fb' }, { param: 'gclid', present: true }],
          ips: ['10.0.0.0/8', '2001:db8::/32', '::ffff:10.0.0.0/104'],
          time: { from: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00+01:00', days: ['mon'], hours: { from: '09:00', to: '17:00' }, timezone: 'Europe/Berlin' },
        },
        target: [{ url: 'https://a.example/', weight: 50, name: 'a' }, { url: 'https://b.example/', weight: 50 }],
      },
      { targets: { ios: 'itms-apps://apps.apple.com/app/id1', default: 'https://x.example/' } },
    ]);
    expect(result.success).toBe(true);
    expect(result.data?.[0]?.when.countries).toEqual(['DE']);
  });

  it.each([
    [[{ when: { countries: ['Germany'] }, target: 'https://a.example/' }], 'rules.0.when.countries.0: must be a two-letter ISO country code such as DE'],
    [[{ when: { languages: ['german!'] }, target: 'https://a.example/' }], 'rules.0.when.languages.0: must be a language tag such as de or pt-BR'],
    [[{ when: { platforms: ['windows'] }, target: 'https://a.example/' }], 'rules.0.when.platforms.0: must be one of ios, android, web'],
    [[{ when: { devices: ['watch'] }, target: 'https://a.example/' }], 'rules.0.when.devices.0: must be one of phone, tablet, desktop, tv'],
    [[{ when: { query: [{ param: 'a' }] }, target: 'https://a.example/' }], 'rules.0.when.query.0: needs exactly one of equals and present'],
    [[{ when: { ips: ['10.0.0.0/33'] }, target: 'https://a.example/' }], 'rules.0.when.ips.0: must be an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8'],
    [[{ when: { time: { from: 'tomorrow' } }, target: 'https://a.example/' }], 'rules.0.when.time.from: must be a date and time such as 2026-06-01T00:00:00Z'],
    [[{ when: { time: { hours: { from: '9', to: '17:00' } } }, target: 'https://a.example/' }], 'rules.0.when.time.hours.from: must be a time such as "09:30" (24-hour)'],
    [[{ when: { time: { hours: { from: '09:00', to: '17:00' }, timezone: 'Mars/Olympus' } }, target: 'https://a.example/' }], 'rules.0.when.time.timezone: must be an IANA time zone such as Europe/Berlin'],
    [[{ when: { time: { from: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } }, target: 'https://a.example/' }], 'rules.0.when.time: from must be before until'],
    [[{ when: { colour: ['red'] }, target: 'https://a.example/' }], 'rules.0.when.colour: is not a known field'],
    [[{ when: {} }], 'rules.0: needs exactly one of target and targets'],
    [[{ target: 'javascript:alert(1)' }], 'rules.0.target: must be an https:, http:, itms-apps: or market: URL'],
    [[{ target: [{ url: 'https://a.example/', weight: 1 }] }], 'rules.0.target: must have at least two variants (one is just a URL)'],
    [[{ targets: { default: [{ url: 'https://a.example/', weight: 0 }, { url: 'https://b.example/', weight: 0 }] } }], 'rules.0.targets.default: needs at least one variant with a weight above 0'],
    [[{ target: 42 }], 'rules.0.target: must be a URL or a list of {url, weight} variants'],
    [[{ target: [{ url: 'https://a.example/', weight: 1.5 }, { url: 'https://b.example/', weight: 1 }] }], 'rules.0.target.0.weight: must be a whole number'],
    [[{ targets: {} }], 'rules.0.targets: needs at least one of ios, android, default'],
    [[{ name: 'x', target: 'https://a.example/' }, { name: 'x', target: 'https://a.example/' }], 'rules: rule names must differ'],
    ['nope', 'rules: must be a list of rules'],
  ])('refuses %j', (input, message) => {
    expect(problems(input)).toContain(message);
  });
});
