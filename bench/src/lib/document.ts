import type { Machine } from './machine.js';
import { markdownTables, notes, type Row } from './report.js';

export interface RunInfo {
  quick: boolean;
  seconds: number;
  loadAfter: string;
  date: string;
}

/** docs/benchmarks.md: the machine, the method, the tables of this run and what they mean. */
export function benchmarksDocument(rows: readonly Row[], machine: Machine, run: RunInfo): string {
  const missed = rows.filter((r) => r.met === false);
  const met = rows.filter((r) => r.met === true);
  const versions = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return `# Benchmarks

<!-- Written by \`pnpm bench\` (bench/src/main.ts). Do not edit by hand: run it again. -->

Every figure below was measured in one run of \`pnpm bench\`${run.quick ? ' **--quick** (smaller sizes, fewer rounds)' : ''} on ${run.date}, beside its
baseline, in the same process (or against the same server process), and is reported as a ratio to it.
${met.length} of ${met.length + missed.length} targets are met${missed.length > 0 ? `; the ${missed.length} missed are explained [below](#targets-not-met)` : ''}.

## Machine

| | |
|---|---|
| CPU | ${machine.cpu}, ${machine.cores} cores |
| RAM | ${machine.memory} |
| OS | ${machine.os} |
| Node | ${machine.node} |
| Redis | ${machine.redis} on 127.0.0.1:6379 |
| packages | ${versions} |
| load average (1, 5, 15 min) | ${machine.loadBefore} before, ${run.loadAfter} after (${run.seconds.toFixed(0)} s run) |

The machine is a shared virtual machine: absolute figures move with its neighbours' load, which is
why every figure is a ratio to a baseline measured in alternating rounds next to it. Ratios within a
few percent of a target's bound can still land on either side of it from one run to the next.

## Reproduce

\`\`\`sh
npx -y pnpm@12.4.2 install
redis-server --port 6379 &          # any Redis ≥ 6 on 127.0.0.1:6379; the bench writes under its own key prefix and deletes only its keys
# and PostgreSQL ≥ 15 on 127.0.0.1:5432, user postgres without a password: the bench creates databases of its own and drops them
npx -y pnpm@12.4.2 bench            # full run, a few minutes; writes this file
npx -y pnpm@12.4.2 bench -- --quick # smaller sizes and fewer rounds
npx -y pnpm@12.4.2 bench -- --only=verify,cache   # sections: verify, postgres, cache, postgres-cache, http, postgres-http, hooks, limits, scale, pages, writes, peer
\`\`\`

The bench runs the workspace's TypeScript sources (through tsx and \`bench/tsconfig.json\` paths); no build is needed.

## Method

- **Alternating rounds.** A figure and its baseline run in turns (A B, B A, A B…, ${run.quick ? 5 : 11} measured rounds of ~${run.quick ? 100 : 200} ms each
  after 2 warm-up rounds); the ratio reported is the median of the per-round ratios, the throughputs the medians of each side.
- **Floors** are the least any verification on that store must do, written as directly as possible:
  - memory: one-shot \`crypto.hash('sha256', token, 'base64url')\` (the primitive keyward uses) and \`Map.get\` on a map of the same tokens;
  - SQLite: the same hash and a prepared better-sqlite3 point \`SELECT\` of the token's row (all columns, default row objects) on the same file and connection.
    keyward's own statement is leaner (raw rows, only the columns it lacks), so it can beat that floor; a second row compares it with
    that leanest statement alone;
  - Redis: the same hash and one \`HMGET\` of the token's lookup key (the fields keyward reads), ioredis with auto-pipelining, at the same concurrency (${64} loops).
  - PostgreSQL: the same hash and keyward's own \`findByHash\` statement text, prepared under a name of its own on the same pool (node-postgres,
    10 connections, 64 requests in flight), so the ratio prices keyward's work around the query, not the query;
  "× floor time" is floor throughput ÷ keyward throughput: 1.00× means keyward costs nothing beyond the floor.
- **Tokens** are generated in keyward's format and stored as \`create()\` stores them (same hash, hint, name key, nanoid-shaped ids),
  request-borne strings coming out of \`JSON.parse\` as from a request body; they are inserted straight into the store so a million take seconds.
  A third of them expire (a year ahead), half are scoped to a project. Verification cycles over 1 000 distinct tokens in shuffled order,
  with no route target (any valid token passes) unless stated.
- **HTTP**: the server runs in its own process (Hono on @hono/node-server, Express 5 or Fastify 5) and serves the same handler four ways:
  unguarded at \`/open/…\`, behind \`requireToken()\` at \`/guarded/…\` (an organization route: the token's organization is checked),
  behind the same guard with \`onRefusal\` and \`refusalContext\` set at \`/hooked/…\` (the hooks section; the run checks onRefusal
  saw no accepted request and does see a refused one), and behind a *floor middleware* at \`/floor/…\` that does only what any token
  check on that store must (read the header, SHA-256, one \`Map.get\`, \`HMGET\` or prepared \`SELECT\`, hand the row to the handler). autocannon runs in the bench process on 127.0.0.1 with 32
  connections, pipelining 4, cycling over 100 tokens; every request carries the same \`Authorization\` headers, and every response must
  be 2xx. The routes compared take turns, ${run.quick ? '3 rounds of 1 s' : '7 rounds of 2 s'} each after a warm-up. Besides req/s, the server
  process reports its CPU time around each run: CPU per request prices the guard without the load generator's (or the neighbours')
  share of the two cores.
- **Limits and usage** (issues #23, #24; the limits section): the same server also serves \`/rated/…\` (the same guard, sent 100 tokens
  of the same organization carrying a rate limit they never reach: every request takes the limited path and passes) and
  \`/unrecorded/…\` (a guard on a second keyward over the same store with \`usage: false\`). Their rows compare server CPU per request
  with the plain guard: the two routes of each comparison run back to back, in alternating order, ${run.quick ? '3 rounds of 0.5 s' : '9 rounds of 0.6 s'}, so both
  sides of a ratio see the same machine load and neither always runs first; the rows give the median per-round ratio and the lowest and
  highest beside it. On Express every variant (of these rows and the HTTP ones) is served by one route, picked by the first path segment: Express matches
  routes in turn, so separate routes would charge the later ones for the earlier ones' matching. On PostgreSQL, a rate-limited
  \`verify()\` is set beside a floor that makes the same lookup and then one \`consume()\` of a rate-limiter-flexible limiter made by the
  store itself (RateLimiterPostgres, same pool and table), in ${run.quick ? '5 alternating rounds of 100 ms' : '15 alternating rounds of 400 ms'}, and the queries each verification sends are counted on the pool. Credits are
  priced as \`check()\` of tokens carrying credits (each spends one in the store) beside the same without.
- **Memory per token** is measured in a child process started with \`--expose-gc\`: \`global.gc()\` twice, \`process.memoryUsage().heapUsed\`
  before and after filling the store, divided by the number of tokens.
- **The peer** is better-auth with @better-auth/api-key (both 1.7.5, their own peer versions), rate limit off, logger off, verifying with
  \`auth.api.verifyApiKey({ body: { key } })\`, one call at a time, as keyward's \`await verify()\` is measured beside it. Its keys are created
  through \`auth.api.createApiKey\`; large key sets are topped up with rows copied from such a key (new id, key and hash) straight into its
  adapter's table, since creating them through the API takes about 2 ms each. Creating a million of them was not attempted: the peer is
  measured at 1 000 keys and at ${run.quick ? '10 000' : '100 000'}, which shows how it scales.

## Results

${markdownTables(rows)}

${notes(rows).length > 0 ? `Notes:\n\n${notes(rows).map((n) => `- ${n}`).join('\n')}\n` : ''}
## Targets not met

${missed.length === 0 ? 'None: every target is met in this run.' : missed.map((r) => `- **${r.section}: ${r.label}** (${r.ratio || r.value}, target ${r.target}). ${r.explain ?? ''}`).join('\n')}

## What makes it fast

- **Synchronous when the store is.** \`Keyward.check()\` returns the answer itself when the store does (memory, SQLite, the Redis
  cache on a hit); \`authenticate()\` passes that through, and the Hono, Express and Fastify middlewares continue without awaiting anything, so a
  guarded request does not pay a microtask (or an event-loop turn) for its token.
- **Nothing clever on the verify path.** Each call checks the format and checksum (a plain CRC-32 loop), hashes once, looks up
  once, and builds a fresh answer. Earlier releases remembered checked digests, reused frozen answers, folded the CRC four
  characters at a time and read a coarse clock; together they saved about 0.4 µs of a ~1 µs \`check()\`, while a guarded HTTP
  request costs 15–30 µs of server CPU, so they went: the guard-vs-floor figures above are what a request really pays.
- **Compact memory store.** One frozen record per token; strings flattened on insert (V8 keeps a nanoid id as a tree of 32-byte pieces,
  ~400 B, until something flattens it); organization ids, user ids and project scopes shared; one id index for all organizations; tokens kept
  oldest-first so an insert appends instead of shifting the organization's array.
- **SQLite: one prepared statement, raw rows, only the columns needed.** The lookup reads ten columns as an array (not the hash, which the
  caller has, nor the scope kind, which \`project_id\` implies) and builds the record directly: a row object with twelve keys cost more than
  the B-tree lookup itself.
- **Redis: one round trip, no extra frames, no repeated parsing.** \`findByHash\` is a single \`HMGET\`; the parse of a record's JSON
  (the costliest client-side step) is remembered for the last 2 048 distinct replies, keyed by the reply itself, so Redis is still read
  every time and a deleted token is refused at once. Core's optional cache, fed by \`redisInvalidations\`, answers from memory while its pub/sub subscription is proven
  live (see [packages/redis/README.md](../packages/redis/README.md#in-process-cache)).
- **Hono on Node reads headers from the Node request.** Asking Hono's request for a header makes @hono/node-server build a full fetch
  \`Headers\` object, which cost more than verifying the token; the guard reads \`c.env.incoming\` instead, with the same joining rules.
- **Last-used writes are coalesced**: at most one per token per \`lastUsedIntervalMs\` (default 60 s), batched off the request path.
`;
}
