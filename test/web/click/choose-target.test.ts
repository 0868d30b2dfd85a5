import { describe, expect, it } from 'vitest';
import { chooseTarget } from '../../../src/web/click/choose-target.ts';

const all = { ios: 'itms-apps://apps.apple.com/app/id1', android: 'market://details?id=a', default: 'https://example.com' };

describe('chooseTarget', () => {
  it('picks the store for the platform', () => {
    expect(chooseTarget(all, 'ios')).toBe(all.ios);
    expect(chooseTarget(all, 'android')).toBe(all.android);
    expect(chooseTarget(all, 'web')).toBe(all.default);
  });

  it('falls back to the web target when the platform has none', () => {
    expect(chooseTarget({ default: all.default }, 'ios')).toBe(all.default);
    expect(chooseTarget({ default: all.default }, 'android')).toBe(all.default);
  });

  it('has nothing for a desktop visitor of a store-only link', () => {
    expect(chooseTarget({ ios: all.ios, android: all.android }, 'web')).toBeUndefined();
  });
});
