// Races between two OS processes sharing one store (an SQLite file; a Redis server). For each of
// 30 names, 6 generations run back to back — both processes create the name at once (in
// different letter cases), then both delete the winner's id at once — while all 30 chains run
// concurrently and both processes keep verifying every token they know about.
//
// "No deleted token accepted after its delete resolved" needs a notion of "after" across two
// processes; wall clocks are not comparable, so it is a protocol: when a process's delete
// resolves, the test tells both processes over IPC, and each one's very next verification of
// that token must refuse it, as must every verification its loop starts from then on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '@keyward/sqlite';
import { redisStore } from '@keyward/redis';
import type { TokenStore } from '@keyward/core';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { removeBundle, startChild, type Child } from './support/children.js';
import { deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { startRedisServer } from '@keyward/test-kit/redis';

const NAMES = 30;
const GENERATIONS = 6;

type CreateAnswer = { ok: true; id: string; plaintext: string } | { ok: false; code: string };
interface LoopStats {
  loopVerifies: number;
  loopAccepted: number;
  loopRefused: number;
  immediateChecks: number;
  errors: string[];
  violations: string[];
}

interface Tally {
  creates: number;
  createWins: number;
  nameTaken: number;
  deletes: number;
  deleteOk: number;
  deleteNotFound: number;
  bothDeleted: number;
  immediateRefusals: number;
  unexpected: string[];
  duplicateNames: string[];
}

/** Runs the chains on two workers; `list` reads the organization's names from the test's own handle. */
async function race(a: Child, b: Child, list: () => Promise<string[]>): Promise<Tally> {
  const tally: Tally = { creates: 0, createWins: 0, nameTaken: 0, deletes: 0, deleteOk: 0, deleteNotFound: 0, bothDeleted: 0, immediateRefusals: 0, unexpected: [], duplicateNames: [] };

  async function chain(n: number): Promise<void> {
    for (let generation = 0; generation < GENERATIONS; generation++) {
      // Same name key, different spelling: uniqueness is case-insensitive.
      const [fromA, fromB] = await Promise.all([
        a.request<CreateAnswer>({ type: 'create', name: `Race ${n}` }),
        b.request<CreateAnswer>({ type: 'create', name: `RACE ${n}` }),
      ]);
      tally.creates += 2;
      const winners = [fromA, fromB].filter((r): r is Extract<CreateAnswer, { ok: true }> => r.ok);
      tally.createWins += winners.length;
      for (const r of [fromA, fromB]) {
        if (!r.ok && r.code === 'NAME_TAKEN') tally.nameTaken++;
        else if (!r.ok) tally.unexpected.push(`create: ${r.code}`);
      }
      if (winners.length !== 1) {
        tally.unexpected.push(`name ${n} generation ${generation}: ${winners.length} creates succeeded`);
        return;
      }
      const { id, plaintext } = winners[0]!;
      await Promise.all([a.request({ type: 'watch', tokenId: id, plaintext }), b.request({ type: 'watch', tokenId: id, plaintext })]);

      // Both delete the same id at once; each answer that says "deleted" is announced to both.
      let announced = false;
      const announce = async () => {
        if (announced) return;
        announced = true;
        const answers = await Promise.all([a.request<string>({ type: 'deleted', tokenId: id }), b.request<string>({ type: 'deleted', tokenId: id })]);
        for (const answer of answers) {
          if (answer === 'NOT_FOUND') tally.immediateRefusals++;
          else tally.unexpected.push(`verification right after the delete resolved answered ${answer}`);
        }
      };
      const deletions = await Promise.all(
        [a, b].map(async (worker) => {
          const answer = await worker.request<string>({ type: 'delete', tokenId: id });
          if (answer === 'ok') await announce();
          return answer;
        }),
      );
      tally.deletes += 2;
      for (const answer of deletions) {
        if (answer === 'ok') tally.deleteOk++;
        else if (answer === 'TOKEN_NOT_FOUND') tally.deleteNotFound++;
        else tally.unexpected.push(`delete: ${answer}`);
      }
      if (deletions.every((answer) => answer === 'ok')) tally.bothDeleted++;
      if (!announced) tally.unexpected.push(`nobody deleted ${id}`);
    }
  }

  // A watcher for duplicates while the chains run.
  let running = true;
  const watcher = (async () => {
    while (running) {
      const names = await list();
      const seen = new Set<string>();
      for (const name of names) {
        const key = name.toLowerCase();
        if (seen.has(key)) tally.duplicateNames.push(name);
        seen.add(key);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await Promise.all(Array.from({ length: NAMES }, (_, n) => chain(n)));
  running = false;
  await watcher;
  return tally;
}

async function finish(a: Child, b: Child): Promise<{ stats: LoopStats[]; exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const stats = await Promise.all([a.request<LoopStats>({ type: 'stop' }), b.request<LoopStats>({ type: 'stop' })]);
  const exits = await Promise.all([a.stop(), b.stop()]);
  return { stats, exits };
}

function report(label: string, tally: Tally, stats: LoopStats[]): void {
  const sum = (key: 'loopVerifies' | 'loopAccepted' | 'loopRefused') => stats.reduce((s, x) => s + x[key], 0);
  console.log(
    `[races:${label}] creates ${tally.creates}: ${tally.createWins} won, ${tally.nameTaken} NAME_TAKEN; ` +
      `deletes ${tally.deletes}: ${tally.deleteOk} ok, ${tally.deleteNotFound} TOKEN_NOT_FOUND (both ok: ${tally.bothDeleted}); ` +
      `verifications right after a delete resolved: ${tally.immediateRefusals} refused, 0 accepted expected; ` +
      `loop verifications ${sum('loopVerifies')} (${sum('loopAccepted')} accepted while live, ${sum('loopRefused')} refused); ` +
      `violations ${stats.flatMap((s) => s.violations).length}; duplicate names seen ${tally.duplicateNames.length}; unexpected ${tally.unexpected.length}`,
  );
}

function expectClean(tally: Tally, stats: LoopStats[], exits: Array<{ code: number | null; signal: NodeJS.Signals | null }>, finalNames: string[]): void {
  expect(tally.unexpected).toEqual([]);
  expect(tally.duplicateNames).toEqual([]);
  expect(tally.createWins).toBe(NAMES * GENERATIONS);
  expect(tally.nameTaken).toBe(NAMES * GENERATIONS);
  // Each token was announced once, to both processes: 2 immediate refusals per token.
  expect(tally.immediateRefusals).toBe(2 * NAMES * GENERATIONS);
  expect(stats.flatMap((s) => s.violations)).toEqual([]);
  expect(stats.flatMap((s) => s.errors)).toEqual([]);
  expect(exits).toEqual([
    { code: 0, signal: null },
    { code: 0, signal: null },
  ]);
  expect(finalNames).toEqual([]);
}

afterAll(() => removeBundle());

describe('two processes racing on one store', () => {
  test(`SQLite file: ${NAMES} names × ${GENERATIONS} generations of create/create + delete/delete from two processes: 0 duplicate names, 0 deleted tokens accepted after their delete resolved, 0 crashes`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-race-'));
    const file = join(dir, 'race.db');
    const db = new Database(file);
    const store: TokenStore = sqliteStore({ db });
    try {
      const [a, b] = await Promise.all([startChild('race', ['sqlite', file]), startChild('race', ['sqlite', file])]);
      const list = async () => (await store.list('org_race', { limit: 1000 })).items.map((r) => r.name);
      const tally = await race(a, b, list);
      const { stats, exits } = await finish(a, b);
      report('sqlite', tally, stats);
      expectClean(tally, stats, exits, await list());
      // One SQLite transaction decides each delete: exactly one of two concurrent deletes wins.
      expect(tally.deleteOk).toBe(NAMES * GENERATIONS);
      expect(tally.deleteNotFound).toBe(NAMES * GENERATIONS);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test(`Redis: ${NAMES} names × ${GENERATIONS} generations of create/create + delete/delete from two processes: 0 duplicate names, exactly one of each pair of deletes reports the token, 0 deleted tokens accepted after their delete resolved, 0 crashes`, async () => {
    const redis = await startRedisServer();
    const prefix = randomPrefix('race');
    const client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1, commandTimeout: 10_000 });
    const store: TokenStore = redisStore({ client, keyPrefix: prefix });
    try {
      const [a, b] = await Promise.all([startChild('race', ['redis', String(redis.port), prefix]), startChild('race', ['redis', String(redis.port), prefix])]);
      const list = async () => (await store.list('org_race', { limit: 1000 })).items.map((r) => r.name);
      const tally = await race(a, b, list);
      const { stats, exits } = await finish(a, b);
      report('redis', tally, stats);
      expectClean(tally, stats, exits, await list());
      // The script that unlists a token decides which of two overlapping deletes reports it: exactly one.
      expect(tally.deleteOk).toBe(NAMES * GENERATIONS);
      expect(tally.deleteNotFound).toBe(NAMES * GENERATIONS);
      expect(tally.bothDeleted).toBe(0);
    } finally {
      await deleteKeysWithPrefix(client, prefix);
      client.disconnect();
      await redis.stop();
    }
  }, 90_000);
});
