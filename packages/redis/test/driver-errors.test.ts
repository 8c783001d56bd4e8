// A real ioredis error reaches onError without what ioredis attaches to it: `command.args` holds
// the script's arguments, the whole token record JSON with its hash among them.
import { inspect } from 'node:util';
import { createKeyward, type Keyward } from '@keyward/core';
import { handleCreateToken, handleUpdateToken } from '@keyward/core/http';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

let client: Redis;
let prefix: string;
let keyward: Keyward;
let reported: unknown[];

beforeAll(() => {
  client = new Redis({ ...FAIL_FAST, port: 6379 });
});

afterAll(async () => {
  await client.quit();
});

beforeEach(() => {
  prefix = randomPrefix('driver-errors');
  reported = [];
  keyward = createKeyward({ store: redisStore({ client, keyPrefix: prefix }), resolveProject, onError: () => {} });
});

afterEach(async () => {
  await keyward.close();
  await deleteKeysWithPrefix(client, prefix);
});

/** Everything the error holds, as deep as a logger would print it, hidden properties included. */
const everything = (error: unknown) => inspect(error, { depth: Infinity, showHidden: true });

test('a script error on create: onError gets the ReplyError with its message and no command (no record, no hash)', async () => {
  // The organization's name index as the wrong type: every write script fails with WRONGTYPE.
  await client.set(`${prefix}{o:${ACTORS.owner.organizationId}}:names`, 'not a hash');
  const response = await handleCreateToken(
    keyward,
    { actor: ACTORS.owner, body: { name: 'Leak check', scope: { kind: 'organization' }, expiresIn: '7d', metadata: { marker: 'in-the-record' } } },
    (error) => reported.push(error),
  );
  // WRONGTYPE is a bug, not an outage (docs/stores.md, "Redis errors").
  expect(response.status).toBe(500);
  expect(reported).toHaveLength(1);
  const cause = (reported[0] as Error).cause as Error;
  expect(cause).toBeInstanceOf(ReplyError);
  expect(cause.message).toMatch(/WRONGTYPE/);
  expect(cause).not.toHaveProperty('command');
  const printed = everything(reported[0]);
  expect(printed).not.toContain('in-the-record');
  expect(printed).not.toContain('"hash"');
  expect(printed).not.toContain('Leak check');
});

test('a script error on update: the new metadata and the record stay out of onError', async () => {
  const { token } = await keyward.create(ACTORS.owner, { name: 'Existing', scope: { kind: 'organization' }, expiresIn: '7d' });
  await client.set(`${prefix}{o:${ACTORS.owner.organizationId}}:names`, 'not a hash');
  const response = await handleUpdateToken(
    keyward,
    { actor: ACTORS.owner, params: { id: token.id }, body: { name: 'Renamed', metadata: { marker: 'in-the-change' } } },
    (error) => reported.push(error),
  );
  // WRONGTYPE is a bug, not an outage (docs/stores.md, "Redis errors").
  expect(response.status).toBe(500);
  expect(reported).toHaveLength(1);
  const printed = everything(reported[0]);
  expect(printed).toMatch(/WRONGTYPE/);
  expect(printed).not.toContain('in-the-change');
  expect(printed).not.toContain(token.hint);
});
