import { createKeyward, type Actor, type Keyward } from '@keyward/core';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

const client = new Redis({ ...FAIL_FAST, port: 6379 });
const keyPrefix = randomPrefix();
let keyward: Keyward | undefined;

afterAll(async () => {
  await keyward?.close();
  await deleteKeysWithPrefix(client, keyPrefix);
  await client.quit();
});

/** Every key under the prefix with its whole readable content, whatever its type. */
async function dumpKeys(): Promise<string> {
  const lines: string[] = [];
  for (const key of await keysWithPrefix(client, keyPrefix)) {
    const type = await client.type(key);
    const content =
      type === 'hash'
        ? await client.hgetall(key)
        : type === 'zset'
          ? await client.zrange(key, 0, -1, 'WITHSCORES')
          : type === 'set'
            ? await client.smembers(key)
            : type === 'string'
              ? await client.get(key)
              : `unexpected type ${type}`;
    lines.push(`${key} ${type} ${JSON.stringify(content)}`);
  }
  return lines.join('\n');
}

test('after tokens are created, used and listed through createKeyward, no key or value holds a plaintext token', async () => {
  keyward = createKeyward({
    store: redisStore({ client, keyPrefix }),
    resolveProject: (id) => ({ id, organizationId: 'org_dump', name: `Project ${id}` }),
    lastUsedIntervalMs: 0,
  });
  const actor: Actor = { userId: 'user_1', organizationId: 'org_dump', role: 'owner' };
  const created = [];
  for (const [i, expiresIn] of (['1d', '30d', 'never', '90d'] as const).entries()) {
    const scope = i % 2 ? ({ kind: 'project', projectId: `proj_${i}` } as const) : ({ kind: 'organization' } as const);
    created.push(await keyward.create(actor, { name: `Token ${i}`, scope, expiresIn }));
  }
  for (const { plaintext } of created) expect((await keyward.verify(plaintext)).ok).toBe(true);
  await keyward.flush();
  expect((await keyward.list(actor)).items).toHaveLength(4);

  const dump = await dumpKeys();
  for (const { plaintext, token } of created) {
    // The dump really is of these tokens: their ids and display hints are in it...
    expect(dump).toContain(token.id);
    expect(dump).toContain(token.hint);
    // ...but not the token, nor any part of its secret beyond the hint's first characters.
    const secret = plaintext.slice(plaintext.indexOf('_') + 1);
    expect(dump).not.toContain(plaintext);
    expect(dump).not.toContain(secret);
    for (let start = 4; start + 8 <= secret.length; start++) expect(dump).not.toContain(secret.slice(start, start + 8));
  }
});
