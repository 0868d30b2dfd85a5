import { parseArgs } from 'node:util';
import type { Database } from '../db/client.ts';
import { describeProblems, fieldProblems } from '../links/link-schemas.ts';
import type { LinkStore } from '../links/link-store.ts';
import { conversionQueryProblem, eventsOf } from '../stats/conversion-input.ts';
import { queryConversions, type ConversionResult } from '../stats/conversion-query.ts';
import { queryStats } from '../stats/query.ts';
import type { StatsQuery } from '../stats/stats-query.ts';
import { buildStatsQuery, statsQuerySchema } from '../stats/query-input.ts';
import type { CommandIo, ExitCode } from './links-command.ts';

export const STATS_USAGE = `Usage: npm run links -- stats <id|slug> [--from DATE] [--to DATE] [--interval hour|day|week|month]
                                  [--group-by DIMENSION] [--timezone ZONE] [--bots exclude|include|only]
                                  [--metric clicks|conversions] [--event NAME[,NAME]] [--json]

DATE is YYYY-MM-DD (midnight in --timezone) or an ISO date-time; the default period is the last 30 days.
DIMENSION: platform, country, device, os, browser, referrer, campaign, network.
--metric conversions: app events tied to the link's clicks (installs, purchases, ...), their
conversion rate and revenue; --event narrows them; DIMENSION: campaign, network, platform, country.`;

const FLAGS = ['from', 'to', 'interval', 'group-by', 'timezone', 'bots', 'limit', 'metric', 'event'] as const;

const parseStatsArgs = (argv: string[]) =>
  parseArgs({
    args: argv,
    options: { ...Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }])), json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });

/** `links stats <id|slug>`: the same figures as `GET /api/v1/stats?link=...`, as text or JSON. */
export async function runStatsCommand(argv: string[], deps: CommandIo & { db: Database; store: LinkStore }): Promise<ExitCode> {
  let parsedArgs: ReturnType<typeof parseStatsArgs>;
  try {
    parsedArgs = parseStatsArgs(argv);
  } catch (err) {
    deps.err(`${(err as Error).message}\n\n${STATS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsedArgs;
  if (values.help) {
    deps.out(STATS_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    deps.err(`stats needs one id or slug\n\n${STATS_USAGE}`);
    return 2;
  }
  const strings = values as Record<string, string | boolean | undefined>;
  const raw = Object.fromEntries(FLAGS.filter((f) => typeof strings[f] === 'string').map((f) => [f.replace('-', '_'), strings[f]]));
  const input = statsQuerySchema.safeParse({ ...raw, link: positionals[0] });
  if (!input.success) {
    deps.err(`refused: ${describeProblems(fieldProblems(input.error))}`);
    return 1;
  }
  const built = await buildStatsQuery(input.data, (ref) => deps.store.find(ref), new Date());
  if (!('query' in built)) {
    deps.err(`refused: ${built.field}: ${built.message}`);
    return 1;
  }
  if (input.data.metric === 'conversions') {
    const wrong = conversionQueryProblem(input.data);
    if (wrong) {
      deps.err(`refused: ${wrong.field}: ${wrong.message}`);
      return 1;
    }
    return printConversions(deps, built.query, await queryConversions(deps.db, { ...built.query, events: eventsOf(input.data) }), values.json === true);
  }
  if (input.data.event) {
    deps.err('refused: event: only with --metric conversions');
    return 1;
  }
  const result = await queryStats(deps.db, built.query);
  if (values.json) {
    deps.out(JSON.stringify({ from: built.query.from.toISOString(), to: built.query.to.toISOString(), ...result }, null, 2));
    return 0;
  }
  const t = result.totals;
  deps.out(`${built.query.from.toISOString()} .. ${built.query.to.toISOString()} (${built.query.interval}, ${built.query.timezone})`);
  deps.out(`clicks ${t.clicks}  unique visitors ${t.unique_visitors ?? '-'}  impressions ${t.impressions}  bot clicks ${t.bot_clicks}`);
  const width = Math.max(...result.series.map((p) => p.local.length), 5);
  deps.out(`${'START'.padEnd(width)}  CLICKS  IMPRESSIONS`);
  for (const p of result.series) deps.out(`${p.local.padEnd(width)}  ${String(p.clicks).padStart(6)}  ${String(p.impressions).padStart(11)}`);
  if (built.query.groupBy) {
    deps.out('');
    deps.out(`${built.query.groupBy.toUpperCase()}  CLICKS  IMPRESSIONS`);
    for (const g of result.groups) deps.out(`${g.label ?? (g.value || '(none)')}  ${g.clicks}  ${g.impressions}`);
  }
  return 0;
}

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(2)}%`);

/** `--metric conversions`: the same figures as `GET /api/v1/stats?metric=conversions&link=...`. */
function printConversions(io: CommandIo, q: StatsQuery, result: ConversionResult, json: boolean): ExitCode {
  if (json) {
    io.out(JSON.stringify({ from: q.from.toISOString(), to: q.to.toISOString(), metric: 'conversions', ...result }, null, 2));
    return 0;
  }
  const t = result.totals;
  const revenue = t.revenue.map((r) => `${r.amount} ${r.currency}`).join(', ') || '-';
  io.out(`${q.from.toISOString()} .. ${q.to.toISOString()} (${q.interval}, ${q.timezone})`);
  io.out(`conversions ${t.conversions}  organic ${t.organic}  clicks ${t.clicks}  conversion rate ${percent(t.conversion_rate)}  revenue ${revenue}`);
  if (t.by_event.length > 0) {
    io.out('');
    io.out('EVENT  CONVERSIONS  ATTRIBUTED');
    for (const e of t.by_event) io.out(`${e.event}  ${e.conversions}  ${e.attributed}`);
  }
  io.out('');
  const width = Math.max(...result.series.map((p) => p.local.length), 5);
  io.out(`${'START'.padEnd(width)}  CONVERSIONS`);
  for (const p of result.series) io.out(`${p.local.padEnd(width)}  ${String(p.conversions).padStart(11)}`);
  if (q.groupBy) {
    io.out('');
    io.out(`${q.groupBy.toUpperCase()}  CONVERSIONS  CLICKS  RATE`);
    for (const g of result.groups) io.out(`${g.label ?? (g.value || '(none)')}  ${g.conversions}  ${g.clicks}  ${percent(g.conversion_rate)}`);
  }
  return 0;
}
