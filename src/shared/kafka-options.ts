import type { ConnectionOptions } from 'node:tls';

export interface KafkaSettings {
  /** Comma-separated `host:port`, `kafka://host:port` or Heroku's `kafka+ssl://host:port`. */
  url: string;
  trustedCert?: string | undefined;
  clientCert?: string | undefined;
  clientCertKey?: string | undefined;
}

export interface KafkaConnection {
  bootstrapBrokers: string[];
  tls?: ConnectionOptions;
}

export function kafkaConnection(settings: KafkaSettings): KafkaConnection {
  const parts = settings.url.split(',').map((part) => part.trim()).filter(Boolean);
  const secure = parts.some((part) => /^(kafka\+ssl|ssl):\/\//i.test(part));
  const bootstrapBrokers = parts.map((part) => part.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, ''));
  if (bootstrapBrokers.length === 0) throw new Error('KAFKA_URL holds no broker address');
  if (!secure && !settings.clientCert) return { bootstrapBrokers };
  return {
    bootstrapBrokers,
    tls: {
      ...(settings.trustedCert ? { ca: settings.trustedCert } : {}),
      ...(settings.clientCert ? { cert: settings.clientCert } : {}),
      ...(settings.clientCertKey ? { key: settings.clientCertKey } : {}),
      rejectUnauthorized: true,
      // Heroku's broker certificates name no host we connect to, but are signed by the
      // trusted cert: the chain is still verified against it; only the name check is off.
      ...(settings.trustedCert ? { checkServerIdentity: () => undefined } : {}),
    },
  };
}
