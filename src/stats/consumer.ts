import { Consumer, MessagesStreamModes, stringDeserializers, type Message, type MessagesStream } from '@platformatic/kafka';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { KafkaConnection } from '../shared/kafka-options.ts';
import type { Logger } from '../shared/logger.ts';
import { STATS_HEADER } from '../shared/stats-fields.ts';
import { createBatchPreparer, type Prepared } from './batch-preparer.ts';
import type { PreparedBatch } from './fold-batch.ts';
import { foldEvents, foldPrepared, type FoldResult } from './fold.ts';
import type { StatsMetrics } from './metrics.ts';
import { partitionEnds } from './offsets.ts';
import { packValues, unpackValues, type PackedValues } from './packed-values.ts';
import { queryRows } from './sql-rows.ts';
import { createVisitorHasher, type EventSource } from './stats-event.ts';
import { sortStatsMessages, type SortedMessages } from './stats-message.ts';

export interface StatsConsumerOptions {
  db: Database;
  kafka: KafkaConnection;
  topics: string[];
  groupId: string;
  /** `STATS_HASH_KEY`: the key of the visitors' keyed hash. */
  hashKey: string;
  metrics: StatsMetrics;
  logger: Logger;
  batchSize: number;
  /** How long a partial batch waits for more messages before it is folded. */
  lingerMs?: number;
  /** Kafka session timeout: how soon a dead consumer's partitions move to another. */
  sessionTimeoutMs?: number;
}

export interface StatsConsumer {
  /** Consumes until stop(); survives Kafka and Postgres outages by waiting and resuming. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

type Msg = Message<Buffer, Buffer, string, Buffer>;
/** A batch: its messages, and the worker thread's work on them (batch-preparer.ts). */
type Batch = { packed: PackedValues; positions: EventSource[]; prepared: Promise<Prepared> };
const MAX_BACKOFF_MS = 5_000;
// Kafka fills a fetch one partition after another, up to this much of each. The library's
// default (10 MB a partition, as much as the whole fetch) brought a backlog one partition at a
// time; 128 KB brings a few hundred messages of every partition per fetch, in small pieces
// that never hold this process's event loop for long.
const MAX_BYTES_PER_PARTITION = 131_072;
// Values and headers stay the bytes Kafka sent (packed-values.ts says why).
const EMPTY = Buffer.alloc(0);
const asBytes = (data?: Buffer) => data ?? EMPTY;
const deserializers = { key: asBytes, value: asBytes, headerKey: stringDeserializers.headerKey, headerValue: asBytes };
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
  let current: { consumer: Consumer<Buffer, Buffer, string, Buffer>; stream: MessagesStream<Buffer, Buffer, string, Buffer> } | undefined;
  let wake: (() => void) | undefined;
  const folded = new Map<string, bigint>();

  const hashVisitor = createVisitorHasher(options.hashKey);
  const preparer = createBatchPreparer(options.hashKey);

  /** One attempt: the prepared statement when the batch is the common case, else step by step. */
  async function foldOnce(batch: Batch, prepared: PreparedBatch | undefined, sortedHere: () => SortedMessages): Promise<FoldResult> {
    const { positions } = batch;
    if (prepared) {
      const result = await foldPrepared(db, prepared, { groupId: options.groupId, positions });
      if (result) return result;
    }
    const { events, conversions } = sortedHere();
    return foldEvents(db, events, { groupId: options.groupId, positions, conversions });
  }

  async function foldWithRetry(batch: Batch, session: { broken: boolean }): Promise<boolean> {
    let prepared: Prepared | undefined;
    try {
      prepared = await batch.prepared;
    } catch (err) {
      if (!stopping) logger.warn({ err }, 'preparing a batch in the worker thread failed; folding it on the main thread');
    }
    // Parsed on this thread only when the step-by-step fold needs it, once however often the
    // batch is tried.
    let sorted: SortedMessages | undefined;
    const sortedHere = () => (sorted ??= sortStatsMessages(unpackValues(batch.packed), hashVisitor, batch.positions));
    // Messages that are no countable event are counted once.
    for (const [reason, count] of Object.entries((prepared ?? sortedHere()).skipped)) metrics.skipped(reason, count);
    let backoff = 100;
    let failing = false;
    while (!stopping && !session.broken) {
      const started = performance.now();
      try {
        const result = await foldOnce(batch, prepared?.batch, sortedHere);
        metrics.foldDone(result, (performance.now() - started) / 1000);
        if (failing) logger.info('postgres is back: folding again');
        for (const p of partitionEnds(batch.positions)) {
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

  async function session(): Promise<void> {
    // Batches of the last session may have been dropped before they committed.
    preparer.forgetStored();
    const stored = await loadOffsets(db, options.groupId);
    const consumer = new Consumer({
      groupId: options.groupId,
      clientId: `${options.groupId}-consumer`,
      bootstrapBrokers: options.kafka.bootstrapBrokers,
      ...(options.kafka.tls ? { tls: options.kafka.tls } : {}),
      deserializers,
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
    // Messages waiting for a batch, in the order they came (runs of one partition).
    let waiting: Array<{ value: Buffer; source: EventSource }> = [];
    let inFlight: Promise<boolean> | undefined;
    // The next batch, handed to the worker thread while the one before is folding.
    let next: Batch | undefined;
    let stream: MessagesStream<Buffer, Buffer, string, Buffer> | undefined;

    const takeBatch = (): Batch => {
      const taken = waiting.length <= options.batchSize ? waiting : waiting.slice(0, options.batchSize);
      waiting = taken === waiting ? [] : waiting.slice(options.batchSize);
      const packed = packValues(taken.map((m) => m.value));
      const prepared = preparer.prepare(packed);
      // Awaited by the fold; a failure there folds the batch on this thread instead.
      prepared.catch(() => {});
      return { packed, positions: taken.map((m) => m.source), prepared };
    };

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
      activeStream.on('data', (message: Msg) => {
        // The worker's stats header when the message has one: what the statistics need of it,
        // without parsing the message (shared/stats-fields.ts).
        const value = message.headers.get(STATS_HEADER) ?? message.value;
        waiting.push({ value, source: { topic: message.topic, partition: message.partition, offset: message.offset } });
        if (waiting.length >= options.batchSize * 2) activeStream.pause();
        if (!inFlight || (!next && waiting.length >= options.batchSize)) wake?.();
      });
      activeStream.on('error', (err: unknown) => {
        if (!stopping) logger.warn({ err }, 'kafka stream failed; starting over from the offsets in postgres');
        state.broken = true;
        wake?.();
      });
      logger.info({ groupId: options.groupId, topics: options.topics, storedPartitions: stored.length }, 'stats consumer joined');

      // ONE fold at a time, of every partition's waiting messages (the fold stores each
      // partition's offset). Two folds at once, each of its own partition, upserted the same
      // rows (the same links, hours and dimensions) and mostly waited for each other's locks;
      // a batch of all partitions groups into fewer rows. Postgres is kept busy instead by the
      // worker thread preparing the next batch while one folds (README, Statistics benchmarks).
      let failed = false;
      try {
        while (!stopping && !state.broken && !failed) {
          if (!next && (waiting.length >= options.batchSize || (!inFlight && waiting.length > 0))) {
            // Postgres is idle: a partial batch waits a moment for more, then goes.
            if (waiting.length < options.batchSize) await sleep(options.lingerMs ?? 20);
            next = takeBatch();
          }
          if (next && !inFlight) {
            inFlight = foldWithRetry(next, state).then((ok) => {
              inFlight = undefined;
              if (!ok) failed = true;
              wake?.();
              return ok;
            });
            next = undefined;
            continue;
          }
          if (activeStream.isPaused() && waiting.length < options.batchSize) activeStream.resume();
          // Until a fold ends, or messages come in that make a batch.
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 1_000);
          });
          wake = undefined;
        }
      } finally {
        await inFlight;
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
      await preparer.close();
    },
  };
}
