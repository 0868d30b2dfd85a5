// `npm run kafka:topics` (release phase): creates the topics the worker produces to.
// Heroku Kafka does not create topics on demand, and the worker must not be the first to
// find out. Idempotent: existing topics are left alone.
import { Admin } from '@platformatic/kafka';
import { loadOrExit } from '../config/env.ts';
import { loadTopicsConfig } from '../config/release.ts';
import { kafkaConnection } from '../shared/kafka-options.ts';

// `events`: app events (installs, purchases), which the stats consumer also reads.
export const EVENT_TOPICS = ['clicks', 'impressions', 'events'] as const;

const env = loadOrExit(() => loadTopicsConfig(process.env));

if (!env.KAFKA_URL) {
  console.log('kafka:topics: no KAFKA_URL, nothing to create');
  process.exit(0);
}

const topics = EVENT_TOPICS.map((t) => env.KAFKA_PREFIX + t);
const connection = kafkaConnection({
  url: env.KAFKA_URL,
  trustedCert: env.KAFKA_TRUSTED_CERT,
  clientCert: env.KAFKA_CLIENT_CERT,
  clientCertKey: env.KAFKA_CLIENT_CERT_KEY,
});
const admin = new Admin({ clientId: `${env.KAFKA_PREFIX}clicktrack-release`, ...connection, timeout: 15_000 });
try {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    // replicas 0 lets the broker choose its default replication factor (3 on Heroku, 1 locally).
    await admin.createTopics({ topics: missing, partitions: env.KAFKA_TOPIC_PARTITIONS, replicas: env.KAFKA_TOPIC_REPLICAS || -1 });
  }
  console.log(`kafka:topics: ${topics.join(', ')} ready (${missing.length} created)`);
} catch (err) {
  // Some multi-tenant plans refuse the admin API. The deploy goes on (until the topics
  // exist the worker keeps every line in Redis and logs the produce error), but the
  // release log says exactly what to run.
  console.error(`kafka:topics: WARNING could not create ${topics.join(', ')}: ${(err as Error).message}`);
  console.error(`kafka:topics: create them once with: ${EVENT_TOPICS.map((t) => `heroku kafka:topics:create ${t} --partitions 8`).join(' && ')}`);
} finally {
  await admin.close();
}
