// Run by types-query-lost.test.ts in a process of its own: the connection dies while
// postgres.js asks a new connection for the array types, and Postgres then refuses new
// connections for a moment, as during a restart or failover.
import { createServer, connect, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { createDb, createSql } from '../../src/db/client.ts';

const target = new URL(process.env.DATABASE_URL!);
const sockets = new Set<Socket>();
let cuts = 0;
const server = createServer((client) => {
  const upstream = connect(Number(target.port || 5432), target.hostname);
  sockets.add(client).add(upstream);
  const drop = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', drop).on('close', drop);
  upstream.on('error', drop).on('close', drop);
  client.on('data', (chunk: Buffer) => {
    // The first array-types query of the first connection: Postgres goes away right then.
    if (cuts === 0 && chunk.includes('typcategory')) {
      cuts++;
      server.close();
      for (const s of sockets) s.destroy();
      return;
    }
    upstream.write(chunk);
  });
  upstream.pipe(client);
});
const listen = (port: number) => new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
const port = await listen(0);
const url = new URL(target);
url.port = String(port);
const db = createDb(createSql(url.toString(), { max: 1, connectTimeoutSeconds: 2 }));

try {
  await db.execute(sql`select 1`);
  console.log('first query: answered (unexpected)');
} catch (err) {
  const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  console.log(`first query: rejected ${code}`);
}
// Turns for a dropped rejection to surface and end the process, as it did.
await new Promise((resolve) => setTimeout(resolve, 300));
await listen(port);
const [after] = (await db.execute(sql`select 41 + 1 as answer`)) as unknown as { answer: number }[];
console.log(`afterwards: ${after!.answer}`);
process.exit(0);
