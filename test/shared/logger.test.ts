import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', 'test', stream), text: () => lines.join('') };
}

const SECRET = 'S3cr3t-Pa55';

describe('log redaction', () => {
  it('removes the password of a Redis AUTH/HELLO command from an ioredis error, keeping the message', () => {
    const { logger, text } = capture();
    const err = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), {
      command: { name: 'hello', args: ['3', 'AUTH', 'default', SECRET] },
    });
    (err as unknown as { previousErrors: unknown[] }).previousErrors = [err];
    logger.error({ err }, 'Redis unavailable');
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('WRONGPASS invalid username-password pair');
    expect(JSON.parse(text()).err).toMatchObject({ type: 'Error', command: { name: 'hello', args: ['[redacted]'] }, stack: expect.stringContaining('WRONGPASS') });
  });

  it('removes the password of any URL, in fields, messages and error texts', () => {
    const { logger, text } = capture();
    logger.info({ url: `redis://default:${SECRET}@ec2.example.com:6379/0`, nested: { list: [`postgres://u:${SECRET}@db/x`] } }, `connecting to rediss://:${SECRET}@host:1`);
    logger.error({ err: new Error(`connect ECONNREFUSED kafka+ssl://user:${SECRET}@broker:9096`) }, 'failed');
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain('redis://default:[redacted]@ec2.example.com:6379/0');
    expect(text()).toContain('rediss://:[redacted]@host:1');
  });

  it('removes values under keys that name a secret, and PEM private keys', () => {
    const { logger, text } = capture();
    logger.info({ password: SECRET, apiKey: SECRET, API_KEY: SECRET, headers: { authorization: `Bearer ${SECRET}`, cookie: SECRET }, KAFKA_CLIENT_CERT_KEY: SECRET }, 'settings');
    logger.warn({ pem: `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----` }, 'tls');
    expect(text()).not.toContain(SECRET);
    expect(JSON.parse(text().split('\n')[0]!)).toMatchObject({ password: '[redacted]', apiKey: '[redacted]', msg: 'settings' });
  });

  it('keeps the inner errors of an AggregateError and the cause, which often hold the reason', () => {
    const { logger, text } = capture();
    const inner = new Error('unable to verify the first certificate');
    logger.error({ err: new AggregateError([inner], 'initProducerId failed 3 times.', { cause: new Error(`via kafka+ssl://u:${SECRET}@b:1`) }) }, 'sink unavailable');
    expect(text()).toContain('unable to verify the first certificate');
    expect(text()).toContain('kafka+ssl://u:[redacted]@b:1');
    expect(text()).not.toContain(SECRET);
  });

  it('leaves ordinary fields alone', () => {
    const { logger, text } = capture();
    logger.info({ store: 'redis://127.0.0.1:6379/0', lines: 3, sink: 'file events.ndjson', apiKeyFile: '.data/api-key' }, 'worker draining');
    expect(JSON.parse(text())).toMatchObject({ store: 'redis://127.0.0.1:6379/0', lines: 3, sink: 'file events.ndjson', apiKeyFile: '.data/api-key', msg: 'worker draining' });
  });
});
