import { afterAll, describe, expect, it } from 'vitest';
import { createBatchPreparer } from '../../src/stats/batch-preparer.ts';
import { prepareBatch } from '../../src/stats/fold-batch.ts';
import { packValues } from '../../src/stats/packed-values.ts';
import { toStatsEvent } from '../../src/stats/stats-event.ts';
import { enrichedJson, HASH_KEY, hashVisitor } from './support.ts';

describe('the stats consumer’s worker thread', () => {
  const preparer = createBatchPreparer(HASH_KEY);
  afterAll(() => preparer.close());

  it('parses a batch and builds the same statement parameters as the main thread would', async () => {
    const ts = 1_773_150_000;
    const repeated = enrichedJson({ linkId: 7, ts, id: 'c0ffee00-0000-4000-8000-000000000001' });
    const values = [repeated, enrichedJson({ linkId: 7, ts, country: 'DE' }), enrichedJson({ linkId: 8, ts, type: '/t/imp' }), repeated, 'not json', JSON.stringify({ type: '/t/other' })];
    const prepared = await preparer.prepare(packValues(values.map((v) => Buffer.from(v))));
    const events = values.slice(0, 4).map((v) => toStatsEvent(v as string, hashVisitor)).filter((e) => !('skip' in e));
    expect(prepared).toMatchObject({ events: 4, skipped: { not_json: 1 }, conversions: 0 });
    expect(prepared.batch).toEqual(prepareBatch(events as Parameters<typeof prepareBatch>[0]));
  });

  it('starts a new thread for the batch after one was stopped', async () => {
    await preparer.close();
    await expect(preparer.prepare(packValues([Buffer.from(enrichedJson({ linkId: 7, ts: 1_773_150_000 }))]))).resolves.toMatchObject({ events: 1 });
  });
});
