import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventSink } from './event-sink.ts';

/**
 * The embedded default's stand-in for Kafka: one message per line, appended to a file
 * anyone can `tail -f` or load into DuckDB. JSON values are written as they are; a text
 * value (the adtekio format) is wrapped so every line stays one JSON object.
 */
export function createFileSink(path: string): EventSink {
  let ready: Promise<unknown> | undefined;
  return {
    name: `file ${path}`,
    async send(messages) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      const text = messages
        .map((m) => (m.value.startsWith('{') ? m.value : JSON.stringify({ topic: m.topic, key: m.key, value: m.value })))
        .join('\n');
      if (text) await appendFile(path, `${text}\n`);
    },
    async close() {},
  };
}
