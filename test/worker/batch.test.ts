import { describe, expect, it } from 'vitest';
import { encodeLine, type EventLine } from '../../src/shared/click-line.ts';
import { prepareBatch } from '../../src/worker/batch.ts';
import { createRenderer } from '../../src/worker/render.ts';

const render = createRenderer({ lookup: () => ({ country: 'DE' }) }, 'json');
const NOW_MS = 1_700_000_002_000;
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

function raw(overrides: Partial<EventLine>): string {
  return encodeLine({ ip: '203.0.113.9', ts: 1_700_000_000, topic: 'clicks', type: '/t/click', params: {}, userAgent: UA, ...overrides });
}

describe('prepareBatch keys', () => {
  it('keys a click by its click_id, the id its message carries', () => {
    const { messages } = prepareBatch([raw({ params: { click_id: 'c-1', platform: 'ios' } })], { render, topicPrefix: 'p.' }, NOW_MS);
    expect(messages[0]).toMatchObject({ topic: 'p.clicks', key: 'c-1' });
    expect(JSON.parse(messages[0]!.value)).toMatchObject({ click_id: 'c-1' });
  });

  it('keys an impression by its impression_id, the id its message carries, never by a click_id beside it', () => {
    const line = raw({ topic: 'impressions', type: '/t/imp', params: { click_id: 'forged', impression_id: 'i-1', platform: 'ios' } });
    const { messages } = prepareBatch([line], { render, topicPrefix: 'p.' }, NOW_MS);
    expect(messages[0]).toMatchObject({ topic: 'p.impressions', key: 'i-1' });
    const value = JSON.parse(messages[0]!.value);
    expect(value).toMatchObject({ type: '/t/imp', impression_id: 'i-1', klag: 2 });
    expect(value).not.toHaveProperty('click_id');
  });
});

describe('prepareBatch stats header', () => {
  it('gives a click and an impression the statistics fields, in either format, and other events none', () => {
    const click = raw({ params: { click_id: 'c-1', link_id: '9', platform: 'ios', lookup_key: 'k1' } });
    const impression = raw({ topic: 'impressions', type: '/t/imp', params: { impression_id: 'i-1', link_id: '9' } });
    const other = raw({ topic: 'installs', type: '/t/install', params: { click_id: 'c-2' } });
    for (const format of ['json', 'adtekio'] as const) {
      const { messages } = prepareBatch([click, impression, other], { render: createRenderer({ lookup: () => ({ country: 'DE' }) }, format), topicPrefix: 'p.' }, NOW_MS);
      expect(JSON.parse(messages[0]?.stats ?? 'null')).toEqual(['/t/click', 'c-1', 9, 1_700_000_000, false, 'ios', 'DE', 'smartphone', 'iOS', 'Mobile Safari', '', '', '', 'k:k1']);
      expect(JSON.parse(messages[1]?.stats ?? 'null')).toMatchObject({ 0: '/t/imp', 1: 'i-1', 13: '' });
      expect(messages[2]?.stats).toBeUndefined();
    }
  });
});
