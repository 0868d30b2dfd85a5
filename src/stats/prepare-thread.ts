import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch } from './fold-batch.ts';
import type { PrepareRequest, Prepared } from './batch-preparer.ts';
import { unpackValues } from './packed-values.ts';
import { createVisitorHasher } from './stats-event.ts';
import { sortStatsMessages } from './stats-message.ts';
import { createStoredRows } from './stored-rows.ts';

/**
 * The stats consumer's worker thread: parses a batch's messages and builds its statement's
 * parameters (batch-preparer.ts says why off the main thread).
 */
// Imported anywhere but in its thread (`npm run build` loads every module to fill the compile
// cache), it does nothing.
const port = parentPort;
const hashVisitor = port ? createVisitorHasher((workerData as { hashKey: string }).hashKey) : undefined;

const stored = createStoredRows();

port?.on('message', (message: PrepareRequest | { forgetStored: true }) => {
  if (!hashVisitor) return;
  if ('forgetStored' in message) return stored.clear();
  const { id, packed } = message;
  const { events, conversions, skipped } = sortStatsMessages(unpackValues(packed), hashVisitor);
  // A batch with app events goes the step-by-step way (the caller parses it again): its
  // statement would not be used. So does one that holds an id twice: its statement finds the
  // second a duplicate, and the fold rolls back (rare, and cheaper than a set of every id).
  const reply: Prepared = { id, events: events.length, skipped, conversions: conversions.length, batch: conversions.length > 0 ? undefined : prepareBatch(events, stored) };
  port?.postMessage(reply);
});
