import { embeddedDatabaseDir } from '../db/database.ts';
import type { WebParts } from './embedded.ts';
import { DEMO_SLUG } from './embedded.ts';

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
    lines.push(`  try it:     curl -i -A iPhone ${base}/t/click/${DEMO_SLUG}${then}`);
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
