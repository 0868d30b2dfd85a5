import { describe, expect, it } from 'vitest';
import { createClickLimiter, createMemoryClickCounter, isBotAgent, type ClickCounter } from '../../../src/links/rules/click-limit.ts';
import { scheduleState } from '../../../src/links/rules/schedule.ts';

describe('schedule boundaries', () => {
  const startsAt = new Date('2026-06-01T00:00:00Z');
  const expiresAt = new Date('2026-07-01T00:00:00Z');
  it('starts_at is the first instant that redirects, expires_at the first that does not', () => {
    const link = { startsAt, expiresAt };
    expect(scheduleState(link, startsAt.getTime() - 1)).toBe('not_started');
    expect(scheduleState(link, startsAt.getTime())).toBe('active');
    expect(scheduleState(link, expiresAt.getTime() - 1)).toBe('active');
    expect(scheduleState(link, expiresAt.getTime())).toBe('ended');
  });
  it('either end may be open', () => {
    expect(scheduleState({ startsAt: null, expiresAt }, 0)).toBe('active');
    expect(scheduleState({ startsAt, expiresAt: null }, Date.parse('2100-01-01'))).toBe('active');
  });
});

describe('click limiter', () => {
  it('admits exactly max clicks, then remembers the link is used up without asking again', async () => {
    let asked = 0;
    const memory = createMemoryClickCounter();
    const counter: ClickCounter = { increment: (id) => {
        asked++;
        return memory.increment(id);
      } };
    const limiter = createClickLimiter(counter);
    const results = await Promise.all(Array.from({ length: 10 }, () => limiter.admit(1, 4)));
    expect(results.filter(Boolean)).toHaveLength(4);
    const askedBefore = asked;
    expect(await limiter.admit(1, 4)).toBe(false);
    expect(asked).toBe(askedBefore);
    expect(await limiter.admit(1, 100)).toBe(true); // the limit was raised
  });

  it('lets clicks through when the counter cannot answer', async () => {
    let unknown = 0;
    const limiter = createClickLimiter({ increment: async () => null }, () => unknown++);
    expect(await limiter.admit(1, 1)).toBe(true);
    expect(await limiter.admit(1, 1)).toBe(true);
    expect(unknown).toBe(2);
  });

  it('tells bots from people as the worker does', () => {
    expect(isBotAgent('')).toBe(true);
    expect(isBotAgent('facebookexternalhit/1.1')).toBe(true);
    expect(isBotAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36')).toBe(true);
    expect(isBotAgent('iPhone')).toBe(false);
    expect(isBotAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBe(false);
  });
});
