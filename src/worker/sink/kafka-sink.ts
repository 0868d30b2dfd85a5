import { Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import type { KafkaConnection } from '../../shared/kafka-options.ts';
import { STATS_HEADER } from '../../shared/stats-fields.ts';
import type { EventSink, OutgoingMessage } from './event-sink.ts';

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface KafkaSinkOptions extends KafkaConnection {
  clientId: string;
  compression?: Compression;
  /** One produce request's deadline; the drain loop retries a failed batch with backoff. */
  timeoutMs?: number;
}

// The stats header goes as a Kafka header, which every other consumer can ignore.
const toRecord = ({ topic, key, value, stats }: OutgoingMessage) =>
  stats === undefined ? { topic, key, value } : { topic, key, value, headers: { [STATS_HEADER]: stats } };

/**
 * An idempotent producer with acks from every in-sync replica: a message Kafka confirmed
 * survives a broker loss, and the producer's own retries never write it twice.
 */
export function createKafkaSink(options: KafkaSinkOptions): EventSink {
  const producer = new Producer({
    clientId: options.clientId,
    bootstrapBrokers: options.bootstrapBrokers,
    ...(options.tls ? { tls: options.tls } : {}),
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: options.compression ?? 'lz4',
    autocreateTopics: true,
    timeout: options.timeoutMs ?? 10_000,
    connectTimeout: 5_000,
    retries: 2,
    retryDelay: 250,
  });
  return {
    name: `kafka ${options.bootstrapBrokers.join(',')}`,
    async send(messages) {
      if (messages.length === 0) return;
      await producer.send({ messages: messages.map(toRecord) });
    },
    async close() {
      await producer.close();
    },
  };
}
