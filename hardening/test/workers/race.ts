// Child for races.test.ts: one of two processes sharing a store (`sqlite <file>` or
// `redis <port> <prefix>`). It creates, deletes and verifies on request, and runs a verification
// loop over every token it was told about. When told that a token's deletion resolved (in
// either process), its very next verification of that token must refuse it; so must every
// verification the loop starts afterwards. Accepts that break this are reported as violations.
import Database from 'better-sqlite3';
import { createKeyward, KeywardError, type Actor, type TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { sqliteStore } from '@keyward/sqlite';
import { Redis } from 'ioredis';

const [kind, where, keyPrefix] = process.argv.slice(2) as ['sqlite' | 'redis', string, string | undefined];
let store: TokenStore;
let release: () => void;
if (kind === 'sqlite') {
  const db = new Database(where);
  store = sqliteStore({ db });
  release = () => db.close();
} else {
  const client = new Redis({ host: '127.0.0.1', port: Number(where), maxRetriesPerRequest: 1, commandTimeout: 10_000 });
  store = redisStore({ client, keyPrefix: keyPrefix! });
  release = () => client.disconnect();
}
const keyward = createKeyward({ store, resolveProject: () => null, onError: () => {} });
const actor: Actor = { userId: `user_${process.pid}`, organizationId: 'org_race', role: 'owner' };

type Request =
  | { id: number; type: 'create'; name: string }
  | { id: number; type: 'delete'; tokenId: string }
  | { id: number; type: 'deleted'; tokenId: string }
  | { id: number; type: 'watch'; tokenId: string; plaintext: string }
  | { id: number; type: 'stop' };

/** Tokens the loop verifies, by id; `deleted` once this process was told their deletion resolved. */
const watched = new Map<string, { plaintext: string; deleted: boolean }>();
const plaintexts = new Map<string, string>();
const stats = { loopVerifies: 0, loopAccepted: 0, loopRefused: 0, immediateChecks: 0, errors: [] as string[], violations: [] as string[] };
let looping = true;

async function verifyOnce(tokenId: string, entry: { plaintext: string; deleted: boolean }): Promise<void> {
  // Read before the verification starts: an accept of a verification started after the
  // deletion was known is a violation; one started before may legitimately still pass.
  const knownDeleted = entry.deleted;
  try {
    const result = await keyward.verify(entry.plaintext);
    stats.loopVerifies++;
    if (result.ok) {
      stats.loopAccepted++;
      if (knownDeleted) stats.violations.push(`loop accepted ${tokenId} after its deletion resolved`);
    } else {
      stats.loopRefused++;
    }
  } catch (error) {
    stats.errors.push(String(error));
  }
  if (knownDeleted) watched.delete(tokenId);
}

async function loop(): Promise<void> {
  while (looping) {
    // Every watched token at once, so verifications overlap the other process's deletes.
    await Promise.all([...watched].map(([tokenId, entry]) => verifyOnce(tokenId, entry)));
    // Lets IPC messages in: SQLite verifications complete without ever yielding to the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'create':
      try {
        const { plaintext, token } = await keyward.create(actor, { name: request.name, scope: { kind: 'organization' }, expiresIn: '1d' });
        return { ok: true, id: token.id, plaintext };
      } catch (error) {
        if (error instanceof KeywardError) return { ok: false, code: error.code };
        throw error;
      }
    case 'delete':
      try {
        await keyward.delete(actor, request.tokenId);
        return 'ok';
      } catch (error) {
        if (error instanceof KeywardError) return error.code;
        throw error;
      }
    case 'watch':
      plaintexts.set(request.tokenId, request.plaintext);
      watched.set(request.tokenId, { plaintext: request.plaintext, deleted: false });
      return null;
    case 'deleted': {
      const plaintext = plaintexts.get(request.tokenId);
      if (plaintext === undefined) throw new Error(`never told about ${request.tokenId}`);
      const entry = watched.get(request.tokenId);
      if (entry) entry.deleted = true;
      stats.immediateChecks++;
      const result = await keyward.verify(plaintext);
      if (result.ok) stats.violations.push(`next verification accepted ${request.tokenId} after its deletion resolved`);
      return result.ok ? 'ok' : result.code;
    }
    case 'stop':
      looping = false;
      await running;
      return stats;
  }
}

const running = loop();
process.on('message', (request: Request) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, result }),
    (error: unknown) => process.send!({ id: request.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  looping = false;
  void running.finally(() =>
    keyward.close().finally(() => {
      release();
      process.exit(0);
    }),
  );
});
process.send!({ event: 'ready' });
