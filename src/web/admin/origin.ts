import type { Context } from 'hono';

export interface OriginSettings {
  /** `PUBLIC_URL`: the address people use, when the request cannot tell (a CDN, a rewrite). */
  publicUrl?: string | undefined;
  /** Forwarded headers are believed only when a proxy we trust set them. */
  trustProxy: number;
}

// The nearest proxy appends its value last; an earlier one could have come from the client.
const lastOf = (header: string | undefined) => header?.split(',').at(-1)?.trim() || undefined;

/** The origin people reach this service at, e.g. `https://go.example.com`. */
export function publicOrigin(c: Context, settings: OriginSettings): string {
  if (settings.publicUrl) return new URL(settings.publicUrl).origin;
  const url = new URL(c.req.url);
  if (settings.trustProxy > 0) {
    const proto = lastOf(c.req.header('x-forwarded-proto'));
    const host = lastOf(c.req.header('x-forwarded-host')) ?? c.req.header('host');
    if (proto === 'https' || proto === 'http') url.protocol = `${proto}:`;
    if (host) url.host = host;
  }
  return url.origin;
}

export function trackingUrl(origin: string, slug: string): string {
  return `${origin}/t/click/${encodeURIComponent(slug)}`;
}
