// The child side of the two-process tests of a keyward store (SQLite, PostgreSQL, Redis standalone and Cluster): a keyward on
// the store answers create races, bulk creates, deletes and verifies over IPC, and the parent
// side's checks are written once here too.
import { KeywardError, type Actor, type Keyward } from '@keyward/core';
import { announceReady, serveRequests, type Worker } from './ipc-worker.js';

export type KeywardWorkerRequest =
  | { type: 'create'; names: string[] }
  | { type: 'createMany'; count: number }
  | { type: 'delete'; tokenId: string }
  | { type: 'verify'; plaintext: string }
  | { type: 'createWithCredits'; remaining: number }
  | { type: 'verifyConcurrently'; plaintext: string; count: number }
  | { type: 'verifyAndFlush'; plaintext: string; accepted: number; refused: number }
  | { type: 'usage'; tokenId: string };

/**
 * Serves the requests of `KeywardWorkerRequest` on `keyward` in this child process, then
 * announces it is ready. On disconnect it closes keyward, then runs `release` (the store's
 * handle or pool), then exits.
 * @example serveKeyward(createKeyward({ store: sqliteStore({ db }), resolveProject: () => null }), () => db.close());
 */
export function serveKeyward(keyward: Keyward, release: () => unknown = () => {}): void {
  const actor: Actor = { userId: `user_${process.pid}`, organizationId: 'org_mp', role: 'owner' };
  const scope = { kind: 'organization' } as const;
  serveRequests(async (request: KeywardWorkerRequest & { id: number }) => {
    switch (request.type) {
      case 'create': {
        const outcomes = await Promise.allSettled(request.names.map((name) => keyward.create(actor, { name, scope, expiresIn: '30d' })));
        return outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : o.reason instanceof KeywardError ? o.reason.code : String(o.reason)));
      }
      case 'createMany': {
        // Ten at a time: quick, and still one insert per token.
        const created: Array<{ plaintext: string; id: string }> = [];
        for (let i = 0; i < request.count; i += 10) {
          const batch = await Promise.all(
            Array.from({ length: Math.min(10, request.count - i) }, (_, j) => keyward.create(actor, { name: `bulk ${i + j}`, scope, expiresIn: 'never' })),
          );
          created.push(...batch.map(({ plaintext, token }) => ({ plaintext, id: token.id })));
        }
        return created;
      }
      case 'delete':
        await keyward.delete(actor, request.tokenId);
        return null;
      case 'verify': {
        const result = await keyward.verify(request.plaintext);
        return result.ok ? 'ok' : result.code;
      }
      case 'createWithCredits': {
        const { plaintext, token } = await keyward.create(actor, { name: `credits ${request.remaining} ${Date.now()}`, scope, expiresIn: 'never', remaining: request.remaining });
        return { plaintext, id: token.id };
      }
      case 'verifyConcurrently': {
        const results = await Promise.all(Array.from({ length: request.count }, () => keyward.verify(request.plaintext)));
        return results.map((result) => (result.ok ? 'ok' : result.code));
      }
      case 'verifyAndFlush': {
        // Accepted ones on the token's own organization, refused ones (SCOPE_DENIED) on another:
        // all counted in memory, then written in one flush.
        await Promise.all([
          ...Array.from({ length: request.accepted }, () => keyward.verify(request.plaintext, { organizationId: actor.organizationId })),
          ...Array.from({ length: request.refused }, () => keyward.verify(request.plaintext, { organizationId: 'org_elsewhere' })),
        ]);
        await keyward.flush();
        return null;
      }
      case 'usage': {
        const { total } = await keyward.usage(actor, request.tokenId, { days: 2 });
        return total;
      }
    }
  });
  process.on('disconnect', () => {
    void keyward
      .close()
      .then(release, release)
      .finally(() => process.exit(0));
  });
  announceReady();
}

/** 50 creates of one name (in five spellings) split across the two processes: every outcome. */
export async function raceForOneName(a: Worker<KeywardWorkerRequest>, b: Worker<KeywardWorkerRequest>): Promise<string[]> {
  const spellings = ['Race', 'RACE', 'race', 'rAcE', 'RaCe'];
  const names = Array.from({ length: 50 }, (_, i) => spellings[i % spellings.length]!);
  return (await Promise.all([a.request<string[]>({ type: 'create', names: names.slice(0, 25) }), b.request<string[]>({ type: 'create', names: names.slice(25) })])).flat();
}

/**
 * `count` tokens, each verified in B, deleted in A, then verified in B again: how many of those
 * last verifies answered NOT_FOUND (every one must).
 */
export async function deletedInARefusedByB(a: Worker<KeywardWorkerRequest>, b: Worker<KeywardWorkerRequest>, count: number): Promise<number> {
  const tokens = await a.request<Array<{ plaintext: string; id: string }>>({ type: 'createMany', count });
  if (tokens.length !== count) throw new Error(`createMany made ${tokens.length} tokens, not ${count}`);
  let refused = 0;
  for (const token of tokens) {
    // Accepted first, so B has looked the token up before the delete.
    if ((await b.request({ type: 'verify', plaintext: token.plaintext })) !== 'ok') throw new Error('a fresh token was not accepted by the other process');
    await a.request({ type: 'delete', tokenId: token.id });
    if ((await b.request({ type: 'verify', plaintext: token.plaintext })) === 'NOT_FOUND') refused++;
  }
  return refused;
}

/**
 * A token with `credits` usage credits made in A, then `requests` verifications of it at once,
 * half in each process: every outcome (exactly `credits` must be 'ok', the rest USAGE_EXHAUSTED).
 */
export async function spendAcrossProcesses(a: Worker<KeywardWorkerRequest>, b: Worker<KeywardWorkerRequest>, credits: number, requests: number): Promise<string[]> {
  const { plaintext } = await a.request<{ plaintext: string; id: string }>({ type: 'createWithCredits', remaining: credits });
  const half = Math.floor(requests / 2);
  const answers = await Promise.all([
    a.request<string[]>({ type: 'verifyConcurrently', plaintext, count: half }),
    b.request<string[]>({ type: 'verifyConcurrently', plaintext, count: requests - half }),
  ]);
  return answers.flat();
}

/**
 * A fresh token verified in both processes at once, `rounds` times: each round both count
 * `accepted` accepted and `refused` refused (SCOPE_DENIED) verifications and flush them at the
 * same moment. Answers the usage total the store then holds (read in A): nothing may be lost
 * or doubled, so it must be `2 × rounds ×` each.
 */
export async function countUsageInBoth(
  a: Worker<KeywardWorkerRequest>,
  b: Worker<KeywardWorkerRequest>,
  rounds: number,
  accepted: number,
  refused: number,
): Promise<{ accepted: number; refused: Record<string, number> }> {
  const { plaintext, id } = await a.request<{ plaintext: string; id: string }>({ type: 'createWithCredits', remaining: 1_000_000 });
  for (let round = 0; round < rounds; round++) {
    await Promise.all([a, b].map((worker) => worker.request({ type: 'verifyAndFlush', plaintext, accepted, refused })));
  }
  return a.request({ type: 'usage', tokenId: id });
}
