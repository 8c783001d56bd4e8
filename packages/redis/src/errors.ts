import { KeywardError, StoreFailedError, StoreUnavailableError } from '@keyward/core';

/**
 * What a Redis failure means: `outage` (the store cannot answer now and will once Redis, the
 * network or the topology recovers: `StoreUnavailableError`, HTTP 503 with Retry-After) or `bug`
 * (an answer retrying will not change: a misconfiguration, data that is not keyward's, a store
 * bug: `StoreFailedError`, HTTP 500). Both fail closed.
 */
export type RedisFailure = 'outage' | 'bug';

/**
 * One row of the classification. `on` says what is matched: `reply` the first word of a Redis
 * error reply (`READONLY You can't write…`), `message` the start of an ioredis error message,
 * `name` an ioredis error class, `code` one of the Node.js socket error codes listed (`, `-separated).
 */
export interface RedisErrorRule {
  on: 'reply' | 'message' | 'name' | 'code';
  match: string;
  failure: RedisFailure;
  /** Why, in a few words (the docs table says the same). */
  because: string;
}

const outage = (on: RedisErrorRule['on'], match: string, because: string): RedisErrorRule => ({ on, match, failure: 'outage', because });
const bug = (on: RedisErrorRule['on'], match: string, because: string): RedisErrorRule => ({ on, match, failure: 'bug', because });

/**
 * Every Redis error the store tells apart, most specific first; docs/stores.md ("Redis errors")
 * shows the same table and a test holds them equal. Anything not listed is a `bug`: a
 * recognised outage asks the caller to come back, so only a known transient condition may.
 * @example REDIS_ERRORS.find((rule) => rule.match === 'READONLY')?.failure // 'outage'
 */
export const REDIS_ERRORS: readonly RedisErrorRule[] = Object.freeze([
  outage('reply', 'LOADING', 'the server is loading its data after a restart'),
  outage('reply', 'BUSY', 'a script runs past busy-reply-threshold; the server answers once it ends or SCRIPT KILL stops it'),
  outage('reply', 'MASTERDOWN', 'a replica lost its primary and replica-serve-stale-data is no'),
  outage('reply', 'TRYAGAIN', 'a slot is being migrated'),
  outage('reply', 'CLUSTERDOWN', 'some slots have no primary (a failover in progress)'),
  outage('reply', 'READONLY', 'a write reached a replica: a failover demoted the node; the client finds the new primary'),
  outage('reply', 'NOREPLICAS', 'min-replicas-to-write is not met'),
  outage('reply', 'OOM', 'maxmemory is reached and nothing can be evicted: writes fail until memory is freed'),
  outage('reply', 'MISCONF', 'the server cannot persist (stop-writes-on-bgsave-error) and refuses writes until it can'),
  outage('message', 'ERR max number of clients reached', 'maxclients is reached'),
  bug('reply', 'NOSCRIPT', 'ioredis resends a script the server forgot (restart, failover, SCRIPT FLUSH) by itself; reaching the store, the resend itself failed'),
  bug('reply', 'NOAUTH', 'the client sends no password or ACL user: fix its options'),
  bug('reply', 'WRONGPASS', 'the client\'s password or ACL user is wrong: fix its options'),
  bug('reply', 'NOPERM', 'the ACL user lacks a command or key the store uses'),
  bug('reply', 'MOVED', 'a plain client talks to a Cluster: pass new Redis.Cluster(…), which follows redirections'),
  bug('reply', 'ASK', 'as MOVED'),
  bug('reply', 'CROSSSLOT', 'a command spans slots: a store bug'),
  bug('reply', 'WRONGTYPE', 'a key under the store\'s prefix holds another type: something else writes there'),
  bug('reply', 'EXECABORT', 'a transaction held an invalid command'),
  bug('reply', 'ERR', 'the server refuses a command or a script fails (arguments, a Lua error, a command this Redis lacks)'),
  outage('message', 'Command timed out', 'no answer within the client\'s commandTimeout'),
  outage('message', 'Connection is closed.', 'the connection dropped, or the caller closed the client'),
  outage('message', 'Stream isn\'t writeable', 'disconnected, with enableOfflineQueue false'),
  outage('message', 'Too many Cluster redirections', 'the slot map keeps changing (a resharding or failover)'),
  outage('message', 'None of startup nodes is available', 'no Cluster node answers'),
  outage('message', 'Cluster isn\'t ready', 'the Cluster client is still connecting, with enableOfflineQueue false'),
  outage('message', 'Cluster is disconnected.', 'the Cluster client lost every node'),
  outage('message', 'Node is disconnected', 'the node the command was sent to dropped'),
  outage('message', 'WAIT:', 'durability: fewer than durability.replicas replicas acknowledged a write within durability.timeoutMs, or the primary did not answer WAIT'),
  bug('message', 'Connection in subscriber mode', 'the client given to the store is a subscriber connection'),
  outage('name', 'MaxRetriesPerRequestError', 'still disconnected after maxRetriesPerRequest reconnection attempts'),
  outage('name', 'ClusterAllFailedError', 'no node could refresh the Cluster slot map'),
  outage('name', 'AbortError', 'the connection closed with the command in flight'),
  outage('name', 'InterruptError', 'the connection closed with the command in flight'),
  outage('name', 'ParserError', 'the reply stream was cut mid-reply; ioredis reconnects'),
  outage('code', 'ECONNREFUSED, ECONNRESET, ECONNABORTED, ETIMEDOUT, EPIPE, EHOSTUNREACH, ENETUNREACH, ENOTFOUND, EAI_AGAIN', 'the server cannot be reached'),
]);

const byReply = new Map(REDIS_ERRORS.filter((r) => r.on === 'reply').map((r) => [r.match, r]));
const byName = new Map(REDIS_ERRORS.filter((r) => r.on === 'name').map((r) => [r.match, r]));
const byCode = new Map(REDIS_ERRORS.filter((r) => r.on === 'code').flatMap((r) => r.match.split(', ').map((code) => [code, r] as const)));
const byMessage = REDIS_ERRORS.filter((r) => r.on === 'message');

/**
 * The row of `REDIS_ERRORS` that `error` falls under, or null (then it is a `bug`). A message
 * is matched before the reply's first word (`ERR max number of clients reached` is an outage,
 * other `ERR` replies are not), and a message before a class name (a `Too many Cluster
 * redirections` error names the MOVED it last saw).
 * @example classifyRedisError(Object.assign(new Error('READONLY You can\'t write against a read only replica.'), { name: 'ReplyError' }))?.failure // 'outage'
 */
export function classifyRedisError(error: unknown): RedisErrorRule | null {
  if (!(error instanceof Error)) return null;
  const message = error.message;
  const byStart = byMessage.find((rule) => message.startsWith(rule.match));
  if (byStart) return byStart;
  if (error.name === 'ReplyError') return byReply.get(/^\S*/.exec(message)![0]) ?? null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && byCode.has(code)) return byCode.get(code)!;
  return byName.get(error.name) ?? null;
}

/**
 * `error` as the store throws it: an outage of `REDIS_ERRORS` becomes `StoreUnavailableError`,
 * anything else `StoreFailedError` (an unreadable record included: it is never "not found").
 * keyward's own errors pass through.
 * @example throw toStoreError('findByHash', new Error('Connection is closed.')); // StoreUnavailableError
 */
export function toStoreError(operation: string, error: unknown): KeywardError {
  if (error instanceof KeywardError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const message = `redis store: ${operation} failed: ${reason}`;
  return classifyRedisError(error)?.failure === 'outage' ? new StoreUnavailableError(message, { cause: error }) : new StoreFailedError(message, { cause: error });
}

/**
 * Runs one store operation against Redis, turning its failures into keyward's store errors.
 * Keeps no state: once ioredis reconnects, the next call simply works.
 * @example const record = await guard('get', () => client.hmget(key, 'r', 'u'));
 */
export async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}
