// A second OS process for postgres-cache.test.ts: the invalidation feed's close() while its LISTEN
// connection fails. It installs no 'uncaughtException' handler, as an app would not: an 'error' that
// node-postgres emits with no listener kills it, and the test sees the exit code.
// argv: database, tablePrefix, 'pool' | 'client'. Prints one JSON line once close() resolved.
import { postgresInvalidations } from '../src/index.js';
import { startTcpProxy } from '@keyward/test-kit/tcp-proxy';
import pg from 'pg';

const [database, tablePrefix, mode] = process.argv.slice(2) as [string, string, 'pool' | 'client'];
const proxy = await startTcpProxy(5432);
const config = { host: '127.0.0.1', port: proxy.port, user: 'postgres', database };
let pool: pg.Pool | undefined;
let client: pg.Client | undefined;
if (mode === 'pool') {
  pool = new pg.Pool({ ...config, max: 2 });
  // What the README asks of every pool: idle connections' failures are reported there.
  pool.on('error', () => {});
} else {
  // A caller's client with no 'error' listener of its own: only the feed's keeps it alive.
  client = new pg.Client(config);
  await client.connect();
}
const errors: string[] = [];
let proven = 0;
const subscription = postgresInvalidations(pool ? { pool, tablePrefix } : { client: client!, tablePrefix }).subscribe(
  { invalidate() {}, proven: () => void proven++, lost() {} },
  { heartbeatMs: 20, onError: (error) => errors.push(String(error)) },
);
for (let i = 0; i < 500 && proven === 0; i++) await new Promise((r) => setTimeout(r, 10));
// The connection goes silent, close() starts, and the connection dies while close() is under way.
proxy.setMode('stall');
const reportedBefore = errors.length;
const closing = subscription.close();
proxy.resetConnections();
await closing;
// Time for any late 'error' to be emitted (and kill the process).
await new Promise((r) => setTimeout(r, 300));
console.log(JSON.stringify({ proven: proven > 0, closed: true, reportsAfterClose: errors.length - reportedBefore }));
await proxy.close();
await pool?.end();
process.exit(0);
