// Which Redis failures are an outage (StoreUnavailableError, 503) and which a bug (StoreFailedError,
// 500): errors worded as Redis and ioredis word them, and docs/stores.md "Redis errors" row by row
// (read from the doc, so the two cannot drift apart). Real replies from real servers are in
// error-replies.test.ts.
import { StoreFailedError, StoreUnavailableError } from '@keyward/core';
import { ReplyError } from 'ioredis';
import { codeSpans, errorTable } from '@keyward/test-kit/doc-tables';
import { describe, expect, test } from 'vitest';
import { REDIS_ERRORS, classifyRedisError, toStoreError } from '../src/errors.js';

const reply = (message: string): Error => new ReplyError(message) as Error;
const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });
const socket = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });

/** Errors as Redis and ioredis word them, with the answer each must get. */
const CASES: Array<[error: Error, answer: 503 | 500]> = [
  [reply('LOADING Redis is loading the dataset in memory'), 503],
  [reply('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.'), 503],
  [reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), 503],
  [reply('TRYAGAIN Multiple keys request during rehashing of slot'), 503],
  [reply('CLUSTERDOWN The cluster is down'), 503],
  [reply("READONLY You can't write against a read only replica. script: 4c5f…, on @user_script:2."), 503],
  [reply('NOREPLICAS Not enough good replicas to write.'), 503],
  [reply("OOM command not allowed when used memory > 'maxmemory'."), 503],
  [reply('MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.'), 503],
  [reply('ERR max number of clients reached'), 503],
  [reply('NOSCRIPT No matching script. Please use EVAL.'), 500],
  [reply('NOAUTH Authentication required.'), 500],
  [reply('WRONGPASS invalid username-password pair or user is disabled.'), 500],
  [reply("NOPERM User limited has no permissions to run the 'evalsha' command"), 500],
  [reply('MOVED 3999 127.0.0.1:6381'), 500],
  [reply('ASK 3999 127.0.0.1:6381'), 500],
  [reply("CROSSSLOT Keys in request don't hash to the same slot"), 500],
  [reply('WRONGTYPE Operation against a key holding the wrong kind of value'), 500],
  [reply('EXECABORT Transaction discarded because of previous errors.'), 500],
  [reply("ERR wrong number of arguments for 'hmget' command"), 500],
  [reply('ERR user_script:3: Script attempted to access nonexistent global variable \'x\' script: 4c5f…'), 500],
  [reply('SOMETHINGNEW a reply this table does not know'), 500],
  [new Error('Command timed out'), 503],
  [new Error('Connection is closed.'), 503],
  [new Error("Stream isn't writeable and enableOfflineQueue options is false"), 503],
  [new Error('Too many Cluster redirections. Last error: ReplyError: MOVED 3999 127.0.0.1:6381'), 503],
  [new Error('None of startup nodes is available'), 503],
  [new Error("Cluster isn't ready and enableOfflineQueue options is false"), 503],
  [new Error('Cluster is disconnected.'), 503],
  [new Error('Node is disconnected'), 503],
  [new Error('WAIT: 0 of 1 replicas of 127.0.0.1:6379 acknowledged within 1000 ms, so a failover could undo this write'), 503],
  [new Error('WAIT: 127.0.0.1:6379 did not answer within 2000 ms (WAIT itself gives up after 1000 ms): the primary is stalled or unreachable'), 503],
  [new Error('Connection in subscriber mode, only subscriber commands may be used'), 500],
  [named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.'), 503],
  [named('ClusterAllFailedError', 'Failed to refresh slots cache.'), 503],
  [named('AbortError', 'Command aborted due to connection close'), 503],
  [named('InterruptError', 'Command interrupted'), 503],
  [named('ParserError', 'Protocol error, got "x" as reply type byte'), 503],
  ...['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].map((code): [Error, 503] => [socket(code), 503]),
  // An unreadable record, a bug in the store: never an outage, never "not found".
  [new SyntaxError('Unexpected token } in JSON at position 12'), 500],
  [new TypeError("Cannot read properties of undefined (reading 'hash')"), 500],
];

describe('Redis errors: outage (503) or bug (500)', () => {
  for (const [error, answer] of CASES) {
    test(`${error.name} "${error.message.slice(0, 60)}" → ${answer}`, () => {
      const thrown = toStoreError('findByHash', error);
      expect(thrown).toBeInstanceOf(answer === 503 ? StoreUnavailableError : StoreFailedError);
      expect(thrown.cause).toBe(error);
      expect(thrown.message).toBe(`redis store: findByHash failed: ${error.message}`);
    });
  }

  test('every row of the table has a case above that falls under it', () => {
    const covered = new Set(CASES.map(([error]) => classifyRedisError(error)));
    expect(REDIS_ERRORS.filter((rule) => !covered.has(rule)).map((rule) => rule.match)).toEqual([]);
  });

  test("keyward's own errors pass through unchanged (a newer schema stays a bug, a contended record an outage)", () => {
    const failed = new StoreFailedError('newer schema');
    const unavailable = new StoreUnavailableError('kept changing');
    expect(toStoreError('insert', failed)).toBe(failed);
    expect(toStoreError('roll', unavailable)).toBe(unavailable);
    expect(toStoreError('get', 'a string')).toBeInstanceOf(StoreFailedError);
  });
});

/** The errors a row of docs/stores.md's table names, as Redis and ioredis hand them over. */
function errorsOf(cell: string): Array<[label: string, error: Error]> {
  const items = codeSpans(cell);
  if (cell.startsWith('an unreadable record')) return [['unreadable record', new SyntaxError('Unexpected end of JSON input')]];
  if (cell.startsWith('socket errors')) return items.map((code) => [code, socket(code)]);
  if (cell.startsWith('ioredis errors')) return items.map((name) => [name, named(name, `${name} as ioredis throws it`)]);
  if (cell.startsWith('reply')) return items.map((word) => [word, reply(word.includes(' ') ? word : `${word} as Redis words it`)]);
  return items.map((message) => [message, new Error(message.replace(/…$/, ''))]);
}

describe('docs/stores.md "Redis errors": every row is what the store does', () => {
  const rows = errorTable('Redis errors', errorsOf);

  for (const { cell, answer, errors } of rows) {
    test(`${answer}: ${cell}`, () => {
      for (const [label, error] of errors) {
        expect(classifyRedisError(error)?.failure ?? 'bug', label).toBe(answer);
        expect(toStoreError('list', error), label).toBeInstanceOf(answer === 'outage' ? StoreUnavailableError : StoreFailedError);
      }
    });
  }

  test('every entry of the store\'s own table is a row of the docs\' table', () => {
    const documented = new Set(rows.flatMap((row) => row.errors.map(([, error]) => classifyRedisError(error))));
    expect(REDIS_ERRORS.filter((rule) => !documented.has(rule)).map((rule) => rule.match)).toEqual([]);
  });
});
