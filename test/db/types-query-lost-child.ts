// Run by types-query-lost.test.ts in a process of its own: the connection dies while
// postgres.js asks a new connection for the array types, and Postgres then refuses new
// connections for a moment, as during a restart or failover.
import { sql } from 'drizzle-orm';
import { createDb, createSql } from '../../src/db/client.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const target = new URL(process.env.DATABASE_URL!);
let cuts = 0;
// The first array-types query of the first connection: Postgres goes away right then.
const proxy = await startTcpProxy(Number(target.port || 5432), 0, (chunk, self) => {
  if (cuts > 0 || !chunk.includes('typcategory')) return false;
  cuts++;
  void self.cut();
  return true;
});
const url = new URL(target);
url.port = String(proxy.port);
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
await proxy.restore();
const [after] = (await db.execute(sql`select 41 + 1 as answer`)) as unknown as { answer: number }[];
console.log(`afterwards: ${after!.answer}`);
process.exit(0);
