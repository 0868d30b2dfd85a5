// Mends a crash in postgres.js 3.4.9 (the latest release) at install time; run by npm's
// postinstall. Plain JavaScript so any Node that installs the project can run it.
//
// The crash (porsager/postgres#1154, #1208; fixes proposed in #1168, #1209, not released):
// when a connection dies inside a transaction, `begin()` sends ROLLBACK on the dead
// connection; the write is deferred with setImmediate, finds the socket gone and throws a
// TypeError no caller can catch, so the whole process exits. Every Postgres restart or
// failover during a stats fold, a spool write or an admin change took the process down
// (in the web process, with the clicks it held in memory). The mend: a write with no
// socket rejects the queries waiting on it (CONNECTION_CLOSED, which callers handle), and
// a closed connection forgets the bytes it had not sent yet, so its next socket starts clean.
//
// A second crash (porsager/postgres#1192, #1205, #1223, open): a new connection first asks
// for the array types, in an async function whose promise nobody holds. When that
// connection dies then (Postgres restarting, a failover), the query that opened it is
// rejected and handled, but the same error rejects that promise too, unhandled, and Node
// ends the process: it took a stats consumer down while it started during an outage. The
// mend: the promise is caught, as the query waiting on the connection already has the error.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* clicktrack: closed-socket write mended */';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
const edits = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${MARK}\n    if (socket === null) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  ['    incomings = null\n    clearImmediate(nextWriteTimer)\n    socket.removeListener', '    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener'],
  // errored() hands the waiting query (`initial`) the same error; the copy here is dropped.
  ['        return fetchArrayTypes()\n', '        return fetchArrayTypes().catch(() => {})\n'],
];

// Each edit on its own, so a copy mended by an older version of this script gets the newer ones.
function mend(file) {
  if (!existsSync(file)) return 'absent';
  const original = readFileSync(file, 'utf8');
  let source = original;
  for (const [before, after] of edits) {
    if (source.includes(after)) continue;
    if (source.split(before).length !== 2) return 'not recognised';
    source = source.replace(before, after);
  }
  if (source === original) return 'already mended';
  writeFileSync(file, source);
  return 'mended';
}

if (existsSync(root)) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const flavour of ['src', 'cjs/src', 'cf/src']) {
    const outcome = mend(join(root, flavour, 'connection.js'));
    // A newer postgres.js may have the fix in another shape: say so instead of failing the install.
    if (outcome === 'not recognised') console.warn(`patch-postgres: postgres ${version} ${flavour}/connection.js not recognised; not mended`);
  }
}
