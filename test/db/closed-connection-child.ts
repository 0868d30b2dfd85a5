// Run by closed-connection.test.ts in a process of its own: a transaction whose server
// connection is terminated half way, as a Postgres restart does, then more work.
import { sql } from 'drizzle-orm';
import { createDb, createSql } from '../../src/db/client.ts';

const url = process.env.DATABASE_URL!;
const client = createSql(url, { max: 2 });
const killer = createSql(url, { max: 1 });
const db = createDb(client);

for (let round = 1; round <= 3; round++) {
  try {
    await db.transaction(async (tx) => {
      const [row] = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[];
      await killer`select pg_terminate_backend(${row!.pid})`;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await tx.execute(sql`select 1`);
    });
    console.log(`round ${round}: committed (unexpected)`);
  } catch (err) {
    const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    console.log(`round ${round}: rejected ${code}`);
  }
  // The deferred ROLLBACK write runs on a later turn: give it several.
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const [after] = (await db.execute(sql`select 41 + 1 as answer`)) as unknown as { answer: number }[];
console.log(`afterwards: ${after!.answer}`);
await Promise.all([client.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
