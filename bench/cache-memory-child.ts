// Run by cache-memory.ts with --expose-gc: fills a link cache and prints the memory it took.
import { createLinkCache } from '../src/links/link-cache.ts';
import type { Link, LinkSource } from '../src/links/link.ts';

const count = Number(process.argv[2]);
const shared = process.argv[3] === 'shared';
const maxMb = Number(process.argv[4] ?? 4096);

/** A link as the driver returns it: every string freshly made (parsed from the wire). */
function row(slug: string): Link {
  const n = Number(slug.slice(2));
  // "shared": per-publisher links as `npm run bench -- links` has them: 1,000 campaigns (each
  // its own app and landing page) and 5,000 publishers, so 5,000 distinct profiles.
  const k = shared ? n % 1_000 : n;
  return JSON.parse(
    JSON.stringify({
      id: n,
      slug,
      campaign: `spring-sale-2026-${k}`,
      adgroup: shared ? `publisher-${n % 5_000}` : `adgroup-${k}`,
      ad: `creative-${k % 20}`,
      network: shared ? 'meta' : `network-${k}`,
      targets: {
        ios: `https://apps.apple.com/app/id${100000000 + k}`,
        android: `https://play.google.com/store/apps/details?id=com.example.app${k}`,
        default: `https://example.com/landing/${k}`,
      },
      attributionWindowIdfa: 10080,
      attributionWindowFingerprint: 1440,
      storeParams: true,
      appStoreCampaignToken: null,
      appStoreProviderToken: null,
      forwardQuery: false,
      startsAt: null,
      expiresAt: null,
      expiredUrl: null,
      maxClicks: null,
      rules: null,
    }),
  ) as Link;
}

const source: LinkSource = { findBySlugs: async (slugs) => slugs.map(row) };
const gc = (globalThis as { gc?: () => void }).gc!;
const slugOf = (i: number) => `l-${String(i).padStart(7, '0')}`;
// The links live in typed arrays (outside V8's heap) and in the heap: both count.
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

gc();
const before = used();
const cache = createLinkCache(source, { maxMb });
for (let i = 0; i < count; i += 500) {
  // Slugs cut from a longer string, as the router hands them over.
  await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => cache.get(`/t/click/${slugOf(i + j)}?x=1`.slice(9, 18))));
}
gc();
const after = used();
console.log(JSON.stringify({ entries: cache.size, heapBytes: after - before, estimatedBytes: cache.bytes }));
