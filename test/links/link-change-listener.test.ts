import { describe, expect, it } from 'vitest';
import type { NotificationSource } from '../../src/db/database.ts';
import { createLinkCache } from '../../src/links/link-cache.ts';
import { listenForLinkChanges } from '../../src/links/link-change-listener.ts';
import type { LinkSource } from '../../src/links/link.ts';
import { linkFixture, silentLogger } from '../support/fixtures.ts';

/** A notification source whose connection the test drops and restores (postgres.js calls onListen again). */
function controlledSource() {
  const hooks = { notify: (_slug: string) => {}, reconnect: () => {} };
  const source: NotificationSource = {
    async listen(_channel, onNotify, onListen) {
      hooks.notify = onNotify;
      hooks.reconnect = onListen;
      onListen();
      return { unlisten: async () => {} };
    },
  };
  return { source, hooks };
}

describe('link change listener', () => {
  it('evicts a notified slug', async () => {
    const { source, hooks } = controlledSource();
    const links: LinkSource = { findBySlugs: async (slugs) => slugs.map((slug) => linkFixture({ slug })) };
    const cache = createLinkCache(links);
    const listener = listenForLinkChanges(source, cache, silentLogger);
    await listener.ready;
    await cache.get('a');
    hooks.notify('a');
    expect(cache.cached('a')).toBeUndefined();
    await listener.stop();
  });

  it('clears the cache after a reconnect, then asks for it to be warmed again', async () => {
    const { source, hooks } = controlledSource();
    const links: LinkSource = { findBySlugs: async (slugs) => slugs.map((slug) => linkFixture({ slug })) };
    const cache = createLinkCache(links);
    let warmed = 0;
    const listener = listenForLinkChanges(source, cache, silentLogger, { onCleared: () => warmed++ });
    await listener.ready;
    await cache.get('a');
    expect(warmed).toBe(0);
    hooks.reconnect();
    expect(cache.cached('a')).toBeUndefined();
    expect(warmed).toBe(1);
    await listener.stop();
  });
});
