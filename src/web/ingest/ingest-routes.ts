import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { ClickQueue } from '../../queue/click-queue.ts';
import type { Logger } from '../../shared/logger.ts';
import type { WriteKeyApp } from '../../write-keys/write-key.ts';
import type { WriteKeyVerifier } from '../../write-keys/write-key-verifier.ts';
import { visitorAddress } from '../visitor/visitor-address.ts';
import type { IpPrivacy } from '../visitor/privacy.ts';
import { checkEvent, type IngestEvent } from './ingest-event.ts';
import { ingestLine, type Arrival } from './ingest-line.ts';
import type { KeyRateLimit } from './key-rate-limit.ts';
import type { MessageDedupe } from './message-dedupe.ts';
import { presentedWriteKey } from './write-key-credential.ts';

export const BATCH_MAX_EVENTS = 1_000;
export const BODY_MAX_BYTES = 500 * 1024;
/** Events validated, deduped and pushed per step of a batch (see `take`). */
const CHUNK_EVENTS = 100;

export type IngestOutcome = 'accepted' | 'duplicate' | 'rejected' | 'dropped';

export interface IngestRouteDeps {
  queue: ClickQueue;
  writeKeys: WriteKeyVerifier;
  dedupe: MessageDedupe;
  rateLimit: KeyRateLimit;
  trustProxy: number;
  ipPrivacy?: IpPrivacy | undefined;
  nowMs: () => number;
  newMessageId: () => string;
  logger: Logger;
  onEvents?: ((outcome: IngestOutcome, count: number) => void) | undefined;
}

export interface Rejection {
  index: number;
  errors: string[];
}

const refuse = (c: Context, status: 400 | 401 | 413 | 429 | 503, error: string, message: string) => c.json({ error, message }, status);

/**
 * `/v1/track` (one event), `/v1/batch` (`{batch: [...]}`) and `/v1/ping`: how apps and
 * servers send installs, purchases and their own events. Each event becomes one line on
 * the click queue (same bounded push, same buffer and spool while Redis is away), so an
 * event answered `200` is never lost where a click would not be.
 */
export function createIngestRoutes(deps: IngestRouteDeps): Hono {
  const app = new Hono();
  // Write keys are public (they ship in apps) and the answer tells nothing else: any web page may send events.
  app.use('/v1/*', cors({ origin: '*', allowMethods: ['GET', 'POST'], allowHeaders: ['authorization', 'content-type'], maxAge: 86_400 }));
  const limit = bodyLimit({
    maxSize: BODY_MAX_BYTES,
    onError: (c) => refuse(c, 413, 'too_large', `the body is over ${BODY_MAX_BYTES / 1024} KB; send fewer events per batch`),
  });
  app.get('/v1/ping', (c) => c.body(null, 204));
  app.post('/v1/track', limit, (c) => ingest(c, 'track'));
  app.post('/v1/batch', limit, (c) => ingest(c, 'batch'));
  return app;

  async function ingest(c: Context, route: 'track' | 'batch'): Promise<Response> {
    // text/plain too: sendBeacon cannot send application/json without a CORS preflight.
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return refuse(c, 400, 'invalid_json', 'the body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(c, 400, 'invalid_json', 'the body must be a JSON object');
    const fields = body as Record<string, unknown>;

    const key = presentedWriteKey(c, fields);
    if (!key) {
      c.header('www-authenticate', 'Basic realm="events"');
      return refuse(c, 401, 'unauthorized', 'send a write key: HTTP Basic with the key as user name ("<key>:"), or a "writeKey" field in the body');
    }
    const verdict = await deps.writeKeys.check(key);
    if (verdict.kind === 'unavailable') {
      c.header('retry-after', '1');
      return refuse(c, 503, 'unavailable', 'the write key cannot be checked right now; send the events again');
    }
    if (verdict.kind === 'unknown') {
      c.header('www-authenticate', 'Basic realm="events"');
      return refuse(c, 401, 'unauthorized', 'the write key is not valid (unknown or revoked)');
    }

    let events: unknown[];
    if (route === 'track') events = [fields];
    else {
      if (!Array.isArray(fields.batch)) return refuse(c, 400, 'validation', 'batch: must be an array of events');
      if (fields.batch.length === 0) return refuse(c, 400, 'validation', 'batch: must hold at least one event');
      if (fields.batch.length > BATCH_MAX_EVENTS) return refuse(c, 413, 'too_large', `batch: must hold at most ${BATCH_MAX_EVENTS} events (holds ${fields.batch.length})`);
      events = fields.batch;
    }

    const wait = deps.rateLimit.take(verdict.app.id, events.length);
    if (wait > 0) {
      c.header('retry-after', String(wait));
      return refuse(c, 429, 'too_many_requests', 'this write key sent more events than its rate allows; send them again after Retry-After seconds');
    }
    const result = await take(c, verdict.app, events);
    if (result.dropped > 0) {
      c.header('retry-after', '1');
      return refuse(c, 503, 'unavailable', `${result.dropped} events could not be queued; send the same events again (those taken are recognised by their messageId)`);
    }
    return c.json(result.body);
  }

  async function take(c: Context, app: WriteKeyApp, events: unknown[]) {
    const nowMs = deps.nowMs();
    const { ip, privacy } = visitorAddress(c, deps.trustProxy, deps.ipPrivacy ?? 'off');
    const arrival: Arrival = { ip, privacy, ts: Math.floor(nowMs / 1000), userAgent: c.req.header('user-agent') ?? '', appId: app.id };
    const context = { nowMs, newMessageId: deps.newMessageId, defaultPlatform: app.platform === 'server' ? undefined : app.platform };

    const rejected: Rejection[] = [];
    const seen = new Set<string>();
    const pushes: Array<Promise<string | undefined>> = [];
    let accepted = 0;
    let duplicates = 0;
    // A chunk at a time: each chunk's dedupe round trip lets the event loop read Redis's
    // answers to earlier pushes, so a 1,000-event batch never holds the loop long enough
    // for the click queue to take a slow answer for a stalled Redis (CLICK_PUSH_TIMEOUT_MS).
    for (let start = 0; start < events.length; start += CHUNK_EVENTS) {
      const chunk: Array<{ event: IngestEvent; id: string }> = [];
      for (let index = start; index < Math.min(start + CHUNK_EVENTS, events.length); index++) {
        const check = checkEvent(events[index], context);
        if (!check.ok) {
          rejected.push({ index, errors: check.errors });
          continue;
        }
        accepted++;
        const id = `${app.id}:${check.event.messageId}`;
        // A message id repeated inside one batch is a duplicate too; only its first event goes on.
        if (seen.has(id)) duplicates++;
        else {
          seen.add(id);
          chunk.push({ event: check.event, id });
        }
      }
      const claimed = await deps.dedupe.claim(chunk.map((e) => e.id));
      chunk.forEach(({ event, id }, i) => {
        if (!claimed.fresh[i]) {
          duplicates++;
          return;
        }
        pushes.push(deps.queue.push(ingestLine(event, arrival)).then((outcome) => (outcome === 'dropped' ? id : undefined)));
      });
    }

    const dropped = (await Promise.all(pushes)).filter((id): id is string => id !== undefined);
    deps.onEvents?.('accepted', pushes.length - dropped.length);
    deps.onEvents?.('duplicate', duplicates);
    deps.onEvents?.('rejected', rejected.length);
    if (dropped.length > 0) {
      // Neither Redis, the buffer nor the spool took them: hand their ids back so the retry is queued.
      deps.onEvents?.('dropped', dropped.length);
      await deps.dedupe.release(dropped);
      deps.logger.error({ dropped: dropped.length }, 'events could not be queued (buffer full, spool refusing); answered 503 so the sender retries');
    }
    return { dropped: dropped.length, body: { accepted, duplicates, rejected } };
  }
}
