import { join } from 'node:path';
import { kafkaConnection } from '../../shared/kafka-options.ts';
import type { DrainSettings } from '../../config/worker.ts';
import type { EventSink } from './event-sink.ts';
import { createFileSink } from './file-sink.ts';
import { createKafkaSink } from './kafka-sink.ts';

/** Kafka when KAFKA_URL is set; otherwise (never in production) an NDJSON file. */
export function sinkFor(settings: DrainSettings): EventSink {
  if (!settings.KAFKA_URL) return createFileSink(join(settings.DATA_DIR, 'events.ndjson'));
  return createKafkaSink({
    ...kafkaConnection({
      url: settings.KAFKA_URL,
      trustedCert: settings.KAFKA_TRUSTED_CERT,
      clientCert: settings.KAFKA_CLIENT_CERT,
      clientCertKey: settings.KAFKA_CLIENT_CERT_KEY,
    }),
    clientId: `${settings.KAFKA_PREFIX}clicktrack-worker`,
    compression: settings.KAFKA_COMPRESSION,
  });
}
