// Kafka for the vitest global setup: an external broker from KAFKA_URL, or a local one
// started from scripts/kafka/broker.ts on a port pair of its own.
import { rmSync } from 'node:fs';
import { startKafka } from '../../scripts/kafka/broker.ts';
import { kafkaConnection } from '../../src/shared/kafka-options.ts';
import { freePort } from './processes.ts';

export async function ensureKafka(env: NodeJS.ProcessEnv): Promise<{ bootstrap: string; stop: () => Promise<void> }> {
  const url = env.KAFKA_URL?.trim();
  if (url) {
    // Read the way the worker reads it, so the tests reach the broker the worker would.
    let bootstrap: string;
    try {
      bootstrap = kafkaConnection({ url }).bootstrapBrokers.join(',');
    } catch {
      throw new Error(`KAFKA_URL is set but holds no broker address: ${JSON.stringify(url)}`);
    }
    // Someone else's broker: never ours to stop.
    return { bootstrap, stop: async () => {} };
  }
  // A broker of this run's own (free ports, its own data): two runs on one machine, or a
  // developer's `npm run kafka`, never share one, so one run cannot stop another's broker.
  const port = await freePort();
  const controllerPort = await freePort();
  const dataDir = `.kafka/test-${port}`;
  try {
    const kafka = await startKafka({
      port,
      controllerPort,
      dataDir,
      log: env.KAFKA_LOG ? (line) => console.error(`[kafka] ${line}`) : undefined,
    });
    return {
      bootstrap: kafka.bootstrap,
      stop: async () => {
        await kafka.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Kafka did not start for the tests on 127.0.0.1:${port}: ${reason}\n` +
        `Fix: make \`java\` (17+) and \`mvn\` available (Debian: apt-get install openjdk-17-jre-headless maven); ` +
        `or run \`npm run kafka\` in another terminal and set KAFKA_URL=kafka://127.0.0.1:9092; ` +
        `or set KAFKA_URL to any reachable broker. KAFKA_LOG=1 shows the broker's own log.`,
      { cause: err },
    );
  }
}
