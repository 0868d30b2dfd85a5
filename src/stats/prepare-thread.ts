import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch } from './fold-batch.ts';
import type { PrepareRequest, Prepared } from './batch-preparer.ts';
import { unpackValues } from './packed-values.ts';
import { createVisitorHasher } from './stats-event.ts';
import { sortStatsMessages } from './stats-message.ts';

/**
 * The stats consumer's worker thread: parses a batch's messages and builds its statement's
 * parameters (batch-preparer.ts says why off the main thread).
 */
// Imported anywhere but in its thread (`npm run build` loads every module to fill the compile
// cache), it does nothing.
const port = parentPort;
const hashVisitor = port ? createVisitorHasher((workerData as { hashKey: string }).hashKey) : undefined;

// Combinations of texts stored by the batches this thread prepared (fold-batch.ts); bounded,
// since a lost entry only costs its combination's insert again.
const knownSets = new Set<bigint>();
const MAX_KNOWN_SETS = 200_000;

port?.on('message', (message: PrepareRequest | { forgetSets: true }) => {
  if (!hashVisitor) return;
  if ('forgetSets' in message || knownSets.size > MAX_KNOWN_SETS) knownSets.clear();
  if ('forgetSets' in message) return;
  const { id, packed } = message;
  const { events, conversions, skipped } = sortStatsMessages(unpackValues(packed), hashVisitor);
  // A batch with app events goes the step-by-step way (the caller parses it again): its
  // statement would not be used. So does one that holds an id twice: its statement finds the
  // second a duplicate, and the fold rolls back (rare, and cheaper than a set of every id).
  const reply: Prepared = { id, events: events.length, skipped, conversions: conversions.length, batch: conversions.length > 0 ? undefined : prepareBatch(events, knownSets) };
  port?.postMessage(reply);
});
