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
 * error reply (`READONLY You can't write…`), `message` the start of an error's message (ioredis's
 * own, or a whole reply), `name` an ioredis error class, `code` one of the Node.js socket error
 * codes listed (`, `-separated).
 */
export interface RedisErrorRule {
  on: 'reply' | 'message' | 'name' | 'code';
  match: string;
  failure: RedisFailure;
}

const outage = (on: RedisErrorRule['on'], match: string): RedisErrorRule => ({ on, match, failure: 'outage' });
const bug = (on: RedisErrorRule['on'], match: string): RedisErrorRule => ({ on, match, failure: 'bug' });

/**
 * Every Redis error the store tells apart. docs/stores.md ("Redis errors") says why for each, and
 * a test checks every error it lists against this table and every row here against it. Anything
 * not listed is a `bug`: an outage asks the caller to come back, so only a known transient
 * condition may.
 * @example REDIS_ERRORS.find((rule) => rule.match === 'READONLY')?.failure // 'outage'
 */
export const REDIS_ERRORS: readonly RedisErrorRule[] = Object.freeze([
  // The server is there but cannot answer this now: loading, busy, failing over, full.
  ...['LOADING', 'BUSY', 'MASTERDOWN', 'TRYAGAIN', 'CLUSTERDOWN', 'READONLY', 'NOREPLICAS', 'OOM', 'MISCONF'].map((reply) => outage('reply', reply)),
  outage('message', 'ERR max number of clients reached'),
  // The connection, the Cluster topology or durability's WAIT.
  ...[
    'Command timed out',
    'Connection is closed.',
    "Stream isn't writeable",
    'Too many Cluster redirections',
    'None of startup nodes is available',
    "Cluster isn't ready",
    'Cluster is disconnected.',
    'Node is disconnected',
    'WAIT:',
  ].map((message) => outage('message', message)),
  ...['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'AbortError', 'InterruptError', 'ParserError'].map((name) => outage('name', name)),
  outage('code', 'ECONNREFUSED, ECONNRESET, ECONNABORTED, ETIMEDOUT, EPIPE, EHOSTUNREACH, ENETUNREACH, ENOTFOUND, EAI_AGAIN'),
  // Answers retrying will not change: credentials, ACLs, a plain client on a Cluster, keys that
  // are not keyward's, a refused command or script.
  ...['NOSCRIPT', 'NOAUTH', 'WRONGPASS', 'NOPERM', 'MOVED', 'ASK', 'CROSSSLOT', 'WRONGTYPE', 'EXECABORT', 'ERR'].map((reply) => bug('reply', reply)),
  bug('message', 'Connection in subscriber mode'),
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
