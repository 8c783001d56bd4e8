// A store wrapper for the tests that counts what reaches the store and can be switched off like
// an outage. Plus an oracle for "well-formed token" written from the token format
// (prefix, 30 base62 characters, 6 base62 characters of CRC-32), independent of keyward's parser.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { StoreUnavailableError, type TokenStore } from '@keyward/core';

const METHODS = ['insert', 'findByHash', 'get', 'list', 'deleteMany', 'deleteByProject', 'deleteExpired', 'touch', 'roll', 'update', 'listExpiring'] as const;
/** Contract v3 parts, wrapped only when the inner store has them, so the wrapper carries what it wraps. */
const V3_METHODS = ['spend', 'auditLog', 'pruneAudit', 'addUsage', 'readUsage', 'pruneUsage'] as const;

export interface CountingStore extends TokenStore {
  /** Calls per method. */
  readonly calls: Record<(typeof METHODS)[number] | (typeof V3_METHODS)[number], number>;
  /** Every hash `findByHash` was asked for, in order. */
  readonly lookedUp: string[];
  /** Last-used updates handed to `touch`, in total. */
  readonly touched: number;
  /** While true, every call fails with StoreUnavailableError (and is still counted). */
  down: boolean;
}

export function countingStore(inner: TokenStore): CountingStore {
  const present = V3_METHODS.filter((m) => typeof (inner as unknown as Record<string, unknown>)[m] === 'function');
  const store = { calls: Object.fromEntries([...METHODS, ...V3_METHODS].map((m) => [m, 0])), lookedUp: [] as string[], touched: 0, down: false } as unknown as CountingStore;
  for (const method of [...METHODS, ...present]) {
    const original = ((inner as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!).bind(inner);
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      store.calls[method]++;
      if (method === 'findByHash') store.lookedUp.push(args[0] as string);
      if (method === 'touch') (store as { touched: number }).touched += (args[0] as unknown[]).length;
      if (store.down) {
        // As real stores fail: findByHash may throw synchronously (SQLite does); the rest reject.
        const error = new StoreUnavailableError('test store is down');
        if (method === 'findByHash') throw error;
        return Promise.reject(error);
      }
      return original(...args);
    };
  }
  const limiter = (inner as { rateLimiter?: unknown }).rateLimiter;
  if (typeof limiter === 'function') (store as unknown as Record<string, unknown>).rateLimiter = limiter.bind(inner);
  if (inner.close) store.close = () => inner.close!();
  return store;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The token format, restated: `kw_` + 30 base62 + base62(CRC-32 of everything before), 6 characters. */
export function isWellFormed(token: string, prefix = 'kw'): boolean {
  const shape = new RegExp(`^${prefix}_[0-9A-Za-z]{36}$`);
  if (!shape.test(token)) return false;
  const body = token.slice(0, prefix.length + 31);
  let value = crc32(body);
  let checksum = '';
  for (let i = 0; i < 6; i++) {
    checksum = ALPHABET[value % 62] + checksum;
    value = Math.floor(value / 62);
  }
  return token.slice(prefix.length + 31) === checksum;
}

/** The hash keyward stores for a token when no pepper is configured: base64url SHA-256. */
export const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');
