// `npm run kafka [-- --port N]`: a local single-node Kafka broker in the foreground.
import { startKafka } from './kafka/broker.ts';
import type { KafkaHandle } from './kafka/broker.ts';

function parsePort(argv: string[]): number {
  let port = 9092;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = arg === '--port' ? argv[++i] : arg.startsWith('--port=') ? arg.slice(7) : undefined;
    if (value !== undefined) port = Number(value);
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run kafka [-- --port N]   (controller listens on N+1; data in .kafka/data-N)');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${arg}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65534) {
    console.error('--port needs an integer between 1 and 65534');
    process.exit(2);
  }
  return port;
}

const port = parsePort(process.argv.slice(2));
let stopping = false;
let kafka: KafkaHandle | undefined;

// Ctrl-C also reaches the JVM (same process group); stop() then just waits for it to finish.
// Before the broker is up, exiting is enough: broker.ts kills its child on process exit.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    if (!kafka) process.exit(130);
    console.log(`[kafka-local] ${sig}: stopping broker`);
    void kafka.stop().then(() => {
      console.log('[kafka-local] broker stopped');
      process.exit(0);
    });
  });
}

const t0 = Date.now();
console.log(`[kafka-local] starting Kafka on 127.0.0.1:${port} (controller ${port + 1})`);
try {
  kafka = await startKafka({
    port,
    log: (line) => console.log(line),
    onExit: (code, signal) => {
      if (stopping) return;
      console.error(`[kafka-local] broker exited unexpectedly (code ${code}, signal ${signal})`);
      process.exit(code || 1);
    },
  });
} catch (err) {
  console.error(`[kafka-local] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

if (!kafka.started) {
  console.log(`[kafka-local] something already listens on ${kafka.bootstrap}; reusing it, nothing to start.`);
  process.exit(0);
}
console.log(`[kafka-local] ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: bootstrap ${kafka.bootstrap} (KAFKA_URL=kafka://${kafka.bootstrap}); Ctrl-C to stop`);
