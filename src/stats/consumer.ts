import { Consumer, MessagesStreamModes, stringDeserializers, type Message, type MessagesStream } from '@platformatic/kafka';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { KafkaConnection } from '../shared/kafka-options.ts';
import type { Logger } from '../shared/logger.ts';
import { foldEvents } from './fold.ts';
import type { StatsMetrics } from './metrics.ts';
import { partitionEnds } from './offsets.ts';
import { queryRows } from './sql-rows.ts';
import { toStatsEvent, type EventSource, type StatsEvent, type VisitorHasher } from './stats-event.ts';
import { toConversionEvent, type ConversionEvent } from './conversion-event.ts';

export interface StatsConsumerOptions {
  db: Database;
  kafka: KafkaConnection;
  topics: string[];
  groupId: string;
  hashVisitor: VisitorHasher;
  metrics: StatsMetrics;
  logger: Logger;
  batchSize: number;
  /** How long a partial batch waits for more messages before it is folded. */
  lingerMs?: number;
  /** Kafka session timeout: how soon a dead consumer's partitions move to another. */
  sessionTimeoutMs?: number;
  /** Fold transactions at a time, each of its own partition (default 2, see FOLDS_IN_FLIGHT). */
  maxFoldsInFlight?: number;
}

export interface StatsConsumer {
  /** Consumes until stop(); survives Kafka and Postgres outages by waiting and resuming. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

type Msg = Message<string, string, string, string>;
/** A parsed message waiting to be folded. */
type Waiting = { source: EventSource; event: StatsEvent | { conversion: ConversionEvent } | { skip: string } };
const MAX_BACKOFF_MS = 5_000;
const MAX_BYTES_PER_PARTITION = 1_048_576;
// Every batch adds to the same rows (each hour's per-dimension totals, the long per-link
// blocks), so a third fold at a time mostly waits for the locks of the first two, and on the
// 2-core bench machine four at a time folded a third fewer events a second than two did
// (README, Statistics benchmarks); two keep Postgres busy while this process prepares the next.
const FOLDS_IN_FLIGHT = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stored positions of the group: where each partition resumes. Kafka's own commits are never used. */
export async function loadOffsets(db: Database, groupId: string): Promise<{ topic: string; partition: number; offset: bigint }[]> {
  const rows = await queryRows<{ topic: string; partition: number; next_offset: string }>(
    db,
    sql`select topic, partition, next_offset::text as next_offset from stats_offsets where group_id = ${groupId}`,
  );
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: BigInt(r.next_offset) }));
}

/**
 * A Kafka consumer group member that folds batches into Postgres. Exactly once comes from
 * the fold (dedupe rows, counts and offsets in one transaction); this loop only has to
 * never skip: a batch is retried until Postgres takes it, and after any Kafka trouble the
 * session starts over from the offsets stored in Postgres.
 */
export function createStatsConsumer(options: StatsConsumerOptions): StatsConsumer {
  const { db, metrics, logger } = options;
  let stopping = false;
  let current: { consumer: Consumer<string, string, string, string>; stream: MessagesStream<string, string, string, string> } | undefined;
  let wake: (() => void) | undefined;
  const folded = new Map<string, bigint>();

  async function foldWithRetry(events: StatsEvent[], positions: EventSource[], session: { broken: boolean }, conversions: ConversionEvent[] = []): Promise<boolean> {
    let backoff = 100;
    let failing = false;
    while (!stopping && !session.broken) {
      const started = performance.now();
      try {
        const result = await foldEvents(db, events, { groupId: options.groupId, positions, conversions });
        metrics.foldDone(result, (performance.now() - started) / 1000);
        if (failing) logger.info('postgres is back: folding again');
        for (const p of partitionEnds(positions)) {
          const key = `${p.topic}:${p.partition}`;
          if ((folded.get(key) ?? -1n) < p.next) folded.set(key, p.next);
        }
        return true;
      } catch (err) {
        metrics.foldFailed();
        if (!failing) logger.warn({ err }, 'folding a batch failed; retrying until postgres takes it');
        failing = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    return false;
  }

  /** A click or impression for the rollups, an app event (topic `events`) for the conversions, or why neither. */
  function parseMessage(value: string, source: EventSource): StatsEvent | { conversion: ConversionEvent } | { skip: string } {
    const event = toStatsEvent(value, options.hashVisitor, source);
    if (!('skip' in event) || event.skip !== 'other_type') return event;
    const conversion = toConversionEvent(value, source);
    return 'skip' in conversion ? conversion : { conversion };
  }

  async function session(): Promise<void> {
    const stored = await loadOffsets(db, options.groupId);
    const consumer = new Consumer({
      groupId: options.groupId,
      clientId: `${options.groupId}-consumer`,
      bootstrapBrokers: options.kafka.bootstrapBrokers,
      ...(options.kafka.tls ? { tls: options.kafka.tls } : {}),
      deserializers: stringDeserializers,
      maxWaitTime: 500,
      // Kafka fills a fetch one partition after another: with the library's default (10 MB a
      // partition, as much as the whole fetch) a backlog came one partition at a time, and
      // that partition's batches folded one after another while the others had nothing
      // buffered. 1 MB a partition (Kafka's own default) brings every partition's next
      // few thousand messages in each fetch, so their folds run side by side.
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      retries: 3,
      retryDelay: 500,
      connectTimeout: 5_000,
    });
    const state = { broken: false };
    // Parsed messages waiting to be folded, per topic and partition.
    const buffers = new Map<string, Waiting[]>();
    let buffered = 0;
    const inFlight = new Map<string, Promise<boolean>>();
    let stream: MessagesStream<string, string, string, string> | undefined;
    try {
      stream = await consumer.consume({
        topics: options.topics,
        // Positions come from Postgres; a partition without one starts at the beginning.
        mode: MessagesStreamModes.MANUAL,
        offsets: stored,
        fallbackMode: 'earliest',
        autocommit: false,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1_000,
        highWaterMark: options.batchSize,
      });
      const activeStream = stream;
      current = { consumer, stream: activeStream };
      // After a rebalance a partition may come back to this member with a position older
      // than what another member stored meanwhile: skip ahead to the stored one. (A race
      // here costs only re-reading; the fold's offset check keeps counts exact.)
      consumer.on('consumer:group:join', () => {
        loadOffsets(db, options.groupId).then(
          (rows) => {
            for (const r of rows) {
              const key = `${r.topic}:${r.partition}`;
              const at = activeStream.offsetsToFetch.get(key);
              if (at === undefined || at < r.offset) activeStream.offsetsToFetch.set(key, r.offset);
            }
          },
          () => {},
        );
      });
      // Each message is parsed as it arrives, while the previous batch is being folded
      // (Postgres works, this process waits): the next batch is ready when the fold ends.
      // Messages come in runs of one partition: its key and buffer are looked up once a run.
      let run: { topic: string; partition: number; key: string; waiting: Waiting[] } | undefined;
      activeStream.on('data', (message: Msg) => {
        const source = { topic: message.topic, partition: message.partition, offset: message.offset };
        if (!run || run.topic !== message.topic || run.partition !== message.partition) {
          const key = `${message.topic}:${message.partition}`;
          let list = buffers.get(key);
          if (!list) buffers.set(key, (list = []));
          run = { topic: message.topic, partition: message.partition, key, waiting: list };
        }
        const { key, waiting } = run;
        waiting.push({ source, event: parseMessage(message.value, source) });
        if (++buffered >= options.batchSize * 2) activeStream.pause();
        // A partition that is folding takes its next batch when that fold ends.
        if (!inFlight.has(key)) wake?.();
      });
      activeStream.on('error', (err: unknown) => {
        if (!stopping) logger.warn({ err }, 'kafka stream failed; starting over from the offsets in postgres');
        state.broken = true;
        wake?.();
      });
      logger.info({ groupId: options.groupId, topics: options.topics, storedPartitions: stored.length }, 'stats consumer joined');

      // Each partition folds its own batches, one at a time, in its own transaction, side by
      // side with another partition's (FOLDS_IN_FLIGHT): they never share an offsets row, and each takes
      // rollup rows in the same table and key order, so two that meet on a row wait rather
      // than deadlock (the fold would rerun one that did).
      let failed = false;
      try {
        while (!stopping && !state.broken && !failed) {
          if (buffered > 0 && buffered < options.batchSize && inFlight.size === 0) await sleep(options.lingerMs ?? 20);
          // The partitions with the most waiting first, while the limit leaves room.
          const ready = [...buffers].filter(([key, waiting]) => waiting.length > 0 && !inFlight.has(key)).sort(([, a], [, b]) => b.length - a.length);
          for (const [key, waiting] of ready) {
            if (inFlight.size >= (options.maxFoldsInFlight ?? FOLDS_IN_FLIGHT)) break;
            const batch = waiting.splice(0, options.batchSize);
            buffered -= batch.length;
            const events: StatsEvent[] = [];
            const conversions: ConversionEvent[] = [];
            for (const { event } of batch) {
              if ('skip' in event) metrics.skipped(event.skip);
              else if ('conversion' in event) conversions.push(event.conversion);
              else events.push(event);
            }
            const fold = foldWithRetry(events, batch.map((m) => m.source), state, conversions).then((ok) => {
              inFlight.delete(key);
              if (!ok) failed = true;
              wake?.();
              return ok;
            });
            inFlight.set(key, fold);
          }
          if (activeStream.isPaused() && buffered < options.batchSize) activeStream.resume();
          // Until a fold ends or messages come in for a partition that is not folding.
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 1_000);
          });
          wake = undefined;
        }
      } finally {
        await Promise.all(inFlight.values());
      }
    } finally {
      current = undefined;
      const open = stream;
      if (open) await new Promise<void>((resolve) => open.close(() => resolve()));
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }
  }

  async function reportLag(): Promise<void> {
    const active = current;
    if (!active) return;
    const latest = await active.consumer.listOffsets({ topics: options.topics });
    metrics.clearLag();
    for (const assignment of active.consumer.assignments ?? []) {
      const ends = latest.get(assignment.topic) ?? [];
      for (const partition of assignment.partitions) {
        const end = ends[partition];
        if (end === undefined) continue;
        const at = folded.get(`${assignment.topic}:${partition}`) ?? active.stream.offsetsToFetch.get(`${assignment.topic}:${partition}`) ?? 0n;
        metrics.setLag(assignment.topic, partition, Math.max(0, Number(end - at)));
      }
    }
  }

  let running: Promise<void> | undefined;
  const lagTimer = setInterval(() => void reportLag().catch(() => {}), 5_000);
  lagTimer.unref();

  return {
    run() {
      running ??= (async () => {
        let backoff = 250;
        while (!stopping) {
          try {
            await session();
            backoff = 250;
          } catch (err) {
            if (stopping) break;
            logger.warn({ err }, 'stats consumer session failed; retrying');
            await sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          }
        }
      })();
      return running;
    },
    async stop() {
      stopping = true;
      clearInterval(lagTimer);
      wake?.();
      await running;
    },
  };
}
