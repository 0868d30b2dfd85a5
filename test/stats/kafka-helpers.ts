import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import { inject } from 'vitest';
import { statsTopics } from '../../src/config/stats.ts';

/** Creates the prefix's clicks and impressions topics with several partitions, as the release does. */
export async function createStatsTopics(prefix: string, partitions = 4): Promise<void> {
  const admin = new Admin({ clientId: 'stats-test-admin', bootstrapBrokers: inject('kafkaBootstrap').split(','), timeout: 15_000 });
  try {
    await admin.createTopics({ topics: statsTopics(prefix).topics, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Produces enriched events keyed by their id, as the worker does (its stats header only where given). */
export async function produceEvents(topic: string, values: { key: string; value: string; headers?: Record<string, string> }[]): Promise<void> {
  const producer = new Producer({
    clientId: 'stats-test-producer',
    bootstrapBrokers: inject('kafkaBootstrap').split(','),
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    idempotent: true,
  });
  try {
    for (let i = 0; i < values.length; i += 500) {
      await producer.send({ messages: values.slice(i, i + 500).map((v) => ({ topic, key: v.key, value: v.value, ...(v.headers ? { headers: v.headers } : {}) })) });
    }
  } finally {
    await producer.close();
  }
}

/** Polls until `check` resolves true or the deadline passes (no fixed sleeps). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
