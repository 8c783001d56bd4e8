// Token records built the way `keyward.create()` builds them (same generator, hasher, hint and
// name key), inserted straight into a store so that a million of them take seconds, not minutes.
// Request-borne strings (organization, user, name, project) come out of JSON.parse, as they would
// from a request body, so the memory figures see the strings a real server would hand the store.
import { randomBytes } from 'node:crypto';
import type { TokenRecord, TokenStore } from '@keyward/core';
import { BASE62_ALPHABET, encodeBase62 } from '../../../packages/core/src/base62.js';
import { crc32 } from '../../../packages/core/src/crc32.js';
import { createHasher } from '../../../packages/core/src/hash.js';
import { tokenNameKey } from '../../../packages/core/src/name.js';
import { CHECKSUM_LENGTH, SECRET_LENGTH, tokenHint } from '../../../packages/core/src/token-format.js';

const hasher = createHasher();
/** Fixtures are created a moment before the run, in order; the ones that expire do so in a year. */
export const CREATED_AT = Date.now() - 10_000_000;
const ID_ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';

// Random bytes drawn from a pool: one randomBytes call per 64 KiB instead of two per token.
let pool = randomBytes(65_536);
let offset = 0;
function randomByte(): number {
  if (offset === pool.length) {
    pool = randomBytes(65_536);
    offset = 0;
  }
  return pool[offset++]!;
}

/** `tok_` + 21 url-safe characters, built the way nanoid builds keyward's ids (character by character). */
export function tokenId(): string {
  let id = 'tok_';
  for (let i = 0; i < 21; i++) id += ID_ALPHABET[randomByte() & 63];
  return id;
}

/** A plaintext in keyward's format, as `generateToken('kw')` makes it (same alphabet, length and checksum). */
export function plaintextToken(): string {
  let body = 'kw_';
  for (let i = 0; i < SECRET_LENGTH; ) {
    const byte = randomByte();
    // Rejection sampling keeps every base62 character equally likely.
    if (byte < 248) {
      body += BASE62_ALPHABET[byte % 62];
      i++;
    }
  }
  return body + encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

export interface FixtureOptions {
  /** Tokens are spread round-robin over this many organizations. Default 100. */
  organizations?: number;
  /** Every other token is scoped to one of 10 projects of its organization. Default true. */
  projectScopes?: boolean;
  /** Permissions every token is granted. Default none (null, as without a catalog). */
  permissions?: string[];
  /** Names are `<namePrefix> <i>`, so two sets can share an organization. Default `Deploy key`. */
  namePrefix?: string;
  /** Fields every record gets on top (contract v3 limits: `rateLimit`, `remaining`…). */
  extra?: Partial<TokenRecord>;
}

/** The i-th fixture token: its plaintext and the record `create()` would store for it. */
export function fixture(i: number, options: FixtureOptions = {}): { plaintext: string; record: TokenRecord } {
  const organizations = options.organizations ?? 100;
  const plaintext = plaintextToken();
  const org = i % organizations;
  const request = JSON.parse(
    `{"organizationId":"org_${org}","userId":"user_${org}_${i % 7}","name":"${options.namePrefix ?? 'Deploy key'} ${i}","projectId":"proj_${org}_${i % 10}"}`,
  ) as { organizationId: string; userId: string; name: string; projectId: string };
  const project = (options.projectScopes ?? true) && i % 2 === 1;
  const record: TokenRecord = {
    id: tokenId(),
    organizationId: request.organizationId,
    name: request.name,
    nameKey: tokenNameKey(request.name),
    scope: project ? { kind: 'project', projectId: request.projectId } : { kind: 'organization' },
    hash: hasher.hash(plaintext),
    hint: tokenHint(plaintext, 'kw'),
    createdAt: CREATED_AT + i,
    createdBy: request.userId,
    // A third expire (in the far future, so verification accepts them), the rest never do.
    expiresAt: i % 3 === 0 ? CREATED_AT + 365 * 86_400_000 : null,
    lastUsedAt: null,
    permissions: options.permissions ?? null,
    metadata: null,
    previous: null,
    ...options.extra,
  };
  return { plaintext, record };
}

/**
 * Inserts `count` fixture tokens and returns the plaintexts of `keep` of them, spread evenly
 * over the whole set (so lookups touch all of a large table, not just its newest rows).
 * `batch` wraps groups of synchronous inserts (SQLite: one transaction per group).
 */
export async function fill(
  store: TokenStore,
  count: number,
  keep: number,
  options: FixtureOptions & { batch?: (run: () => void) => void } = {},
): Promise<string[]> {
  const every = Math.max(1, Math.floor(count / keep));
  const kept: string[] = [];
  const GROUP = 10_000;
  for (let start = 0; start < count; start += GROUP) {
    const end = Math.min(count, start + GROUP);
    const pending: Array<Promise<unknown>> = [];
    const run = () => {
      for (let i = start; i < end; i++) {
        const { plaintext, record } = fixture(i, options);
        pending.push(store.insert(record));
        if (i % every === 0 && kept.length < keep) kept.push(plaintext);
      }
    };
    if (options.batch) options.batch(run);
    else run();
    for (const outcome of await Promise.all(pending)) if (outcome !== 'ok') throw new Error(`fixture insert failed: ${String(outcome)}`);
  }
  return kept;
}

/** Shuffles in place (Fisher–Yates), so a benchmark does not walk tokens in insertion order. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
