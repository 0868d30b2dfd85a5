import { describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../../src/web/auth-throttle.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('auth throttle', () => {
  it('refuses an address after its allowance of wrong keys, until the window ends', () => {
    const time = clock();
    const throttle = createAuthThrottle({ maxFailures: 3, windowMs: 60_000, now: time.now });
    expect(throttle.failed('203.0.113.7')).toBe(false);
    expect(throttle.failed('203.0.113.7')).toBe(false);
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBe(0);
    expect(throttle.failed('203.0.113.7')).toBe(true);
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBe(60);

    time.advance(45_500);
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBe(15);
    time.advance(14_500);
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBe(0);
    // A new window starts from nothing.
    expect(throttle.failed('203.0.113.7')).toBe(false);
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBe(0);
  });

  it('counts each address on its own', () => {
    const throttle = createAuthThrottle({ maxFailures: 2, now: clock().now });
    throttle.failed('203.0.113.7');
    throttle.failed('203.0.113.7');
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds('2001:db8::1')).toBe(0);
  });

  it('forgets the wrong keys of an address that then signs in', () => {
    const throttle = createAuthThrottle({ maxFailures: 2, now: clock().now });
    throttle.failed('203.0.113.7');
    throttle.succeeded('203.0.113.7');
    expect(throttle.failed('203.0.113.7')).toBe(false);
    expect(throttle.retryAfterSeconds('203.0.113.7')).toBe(0);
  });

  it('remembers a bounded number of addresses', () => {
    const throttle = createAuthThrottle({ maxFailures: 1, maxAddresses: 2, now: clock().now });
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) throttle.failed(ip);
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    expect(throttle.retryAfterSeconds('10.0.0.3')).toBeGreaterThan(0);
  });
});
