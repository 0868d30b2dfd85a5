import { embeddedDatabaseDir } from '../db/database.ts';
import type { WebParts } from './embedded.ts';
import { DEMO_SLUG } from './embedded.ts';

/**
 * What the demo request sends: Safari on an iPhone, as a real visitor would. A bare
 * `-A iPhone` redirects the same way, but reads as a script to anyone looking at the agent.
 */
export const DEMO_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** The few lines a person trying the service on a laptop needs, printed once at start. */
export function startBanner(port: number, parts: WebParts, dataDir: string): string {
  const base = `http://localhost:${port}`;
  const { embedded } = parts;
  const lines = [`clicktrack is running on ${base}`];
  const inProcess = [
    embedded.database && `database (PGlite in ${embeddedDatabaseDir(dataDir)})`,
    embedded.queue && 'click queue and worker (in this process)',
    embedded.sink && `events → ${dataDir}/events.ndjson`,
  ].filter(Boolean);
  if (inProcess.length > 0) lines.push(`  embedded:   ${inProcess.join(', ')}`);
  if (embedded.database) {
    // -i, not -I: curl -I sends HEAD, which unfurlers use and which is never counted.
    const then = embedded.sink ? `   (then: tail ${dataDir}/events.ndjson)` : '';
    lines.push(`  try it:     curl -i -A '${DEMO_USER_AGENT}' ${base}/t/click/${DEMO_SLUG}${then}`);
  }
  lines.push(`  admin:      ${base}/admin`);
  if (embedded.apiKeyFile) lines.push(`  API key:    ${parts.apiKey}  (kept in ${embedded.apiKeyFile})`);
  if (inProcess.length > 0) {
    lines.push(
      '  production: DATABASE_URL → Postgres, REDIS_URL → Redis queue drained by `npm run worker`,',
      '              KAFKA_URL → Kafka, API_KEY → your own key; NODE_ENV=production requires them',
    );
  }
  return lines.join('\n');
}
