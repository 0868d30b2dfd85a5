import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch } from './fold-batch.ts';
import type { PrepareRequest, Prepared } from './batch-preparer.ts';
import { createVisitorHasher, type StatsEvent } from './stats-event.ts';
import { parseStatsMessage } from './stats-message.ts';

/**
 * The stats consumer's worker thread: parses a batch's messages and builds its statement's
 * parameters (batch-preparer.ts says why off the main thread).
 */
const port = parentPort;
if (!port) throw new Error('prepare-thread.ts runs as a worker thread');
const hashVisitor = createVisitorHasher((workerData as { hashKey: string }).hashKey);

port.on('message', ({ id, values }: PrepareRequest) => {
  const events: StatsEvent[] = [];
  const byKey = new Set<bigint>();
  const skipped: Record<string, number> = {};
  const conversions: number[] = [];
  let parsed = 0;
  for (let i = 0; i < values.length; i++) {
    const message = parseStatsMessage(values[i] as string, hashVisitor);
    if ('conversion' in message) conversions.push(i);
    else if ('skip' in message) skipped[message.skip] = (skipped[message.skip] ?? 0) + 1;
    else {
      parsed++;
      // One event per id: the same click twice in a batch counts once.
      if (!byKey.has(message.key)) {
        byKey.add(message.key);
        events.push(message);
      }
    }
  }
  // A batch with app events goes the step-by-step way (the caller parses it again): its
  // statement would not be used.
  const reply: Prepared = { id, events: parsed, skipped, conversions: conversions.length, batch: conversions.length > 0 ? undefined : prepareBatch(events) };
  port.postMessage(reply);
});
