import { randomUUID } from 'node:crypto';
import { Consumer, MessagesStreamModes, stringDeserializers } from '@platformatic/kafka';
import { inject } from 'vitest';

let topicCounter = 0;

/** A topic prefix no other test or run uses (KAFKA_PREFIX isolates each test's topics). */
export function uniqueKafkaPrefix(): string {
  topicCounter += 1;
  return `t${inject('runId')}_${process.pid}_${topicCounter}_`;
}

export interface ConsumedMessage {
  key: string | undefined;
  value: string;
  headers: Map<string, string>;
}

/** Reads `topic` from the beginning until `count` messages arrived or `timeoutMs` passed. */
export function readTopic(topic: string, count: number, timeoutMs = 30_000, bootstrap = inject('kafkaBootstrap')): Promise<ConsumedMessage[]> {
  return readTopicUntil(topic, (messages) => messages.length >= count, timeoutMs, bootstrap);
}

/** Reads `topic` from the beginning until `done` says so or `timeoutMs` passed. */
export async function readTopicUntil(
  topic: string,
  done: (messages: ConsumedMessage[]) => boolean,
  timeoutMs = 30_000,
  bootstrap = inject('kafkaBootstrap'),
): Promise<ConsumedMessage[]> {
  const consumer = new Consumer({
    groupId: `test-${randomUUID()}`,
    clientId: 'clicktrack-test',
    bootstrapBrokers: bootstrap.split(','),
    deserializers: stringDeserializers,
    autocreateTopics: true,
    maxWaitTime: 200,
  });
  const messages: ConsumedMessage[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      stream.on('data', (message) => {
        messages.push({ key: message.key || undefined, value: message.value, headers: message.headers });
        if (done(messages)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return messages;
}
