// keyward beside better-auth's api-key plugin, both verifying keys one after the other
// (`await` each), on memory and on SQLite (WAL, file), in alternating rounds.
import { memoryStore } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import type { BenchContext } from '../lib/context.js';
import { fill, shuffle } from '../lib/fixtures.js';
import { expectOk, pair, type Workload } from '../lib/measure.js';
import { memoryPeer, sqlitePeer, type Peer } from '../lib/peer.js';
import { opsPerSec, percent, times, type Row } from '../lib/report.js';
import { keywardOn, verifyLoop } from './verify.js';

const SECTION = 'Peer: better-auth 1.7.5 + @better-auth/api-key 1.7.5';

function peerLoop(peer: Peer, keys: readonly string[]): Workload {
  const n = keys.length;
  return async (ops: number) => {
    for (let i = 0; i < ops; i++) expectOk((await peer.verify(keys[i % n]!)).valid, 'the peer accepts its own key');
  };
}

export async function peerSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const SMALL = 1000;
  const LARGE = ctx.quick ? 10_000 : 100_000;
  const timing = { ...ctx.timing, rounds: Math.max(5, ctx.timing.rounds - 4) };

  for (const kind of ['memory', 'sqlite'] as const) {
    const db = kind === 'sqlite' ? ctx.sqlite('peer-keyward') : undefined;
    const store = db ? sqliteStore({ db }) : memoryStore();
    const tokens = shuffle(await fill(store, SMALL, SMALL, db ? { batch: (run) => db.transaction(run)() } : {}));
    const keyward = keywardOn(store);
    const peerDb = kind === 'sqlite' ? ctx.sqlite('peer-better-auth') : undefined;
    const peer = peerDb ? await sqlitePeer(peerDb) : memoryPeer();
    const keys = shuffle(await peer.fill(SMALL, SMALL));
    const label = kind === 'memory' ? 'memory' : 'SQLite (WAL, file)';

    const result = await pair(peerLoop(peer, keys), verifyLoop(keyward, tokens), timing);
    rows.push({
      section: SECTION,
      label: `${label}, 1 000 keys, await verify() one at a time`,
      value: opsPerSec(result.b),
      baseline: `${opsPerSec(result.a)} peer (verifyApiKey)`,
      ratio: `${times(result.ratio)} peer`,
      target: '≥ 100× peer',
      met: result.ratio >= 100,
    });

    if (peerDb) {
      // What a verification writes: the peer updates the key's row on every call.
      const before = peer.writes()!;
      const calls = 500;
      await peerLoop(peer, keys.slice(0, 1))(calls);
      const perVerify = (peer.writes()! - before) / calls;
      rows.push({
        section: SECTION,
        label: 'SQLite rows written per verification',
        value: 'see "Last-used coalescing"',
        baseline: `peer: ${perVerify.toFixed(2)} per verify (${calls} verifies of one key)`,
        ratio: '',
        target: '(info)',
        met: null,
      });
    }

    // Scaling: a second peer holding LARGE keys, against the 1 000-key one, in alternating rounds.
    const largeDb = kind === 'sqlite' ? ctx.sqlite('peer-better-auth-large') : undefined;
    const largePeer = largeDb ? await sqlitePeer(largeDb) : memoryPeer();
    const largeKeys = shuffle(await largePeer.fill(LARGE, 1000));
    const scaling = await pair(peerLoop(peer, keys), peerLoop(largePeer, largeKeys), timing);
    rows.push({
      section: SECTION,
      label: `${label}: peer at ${LARGE.toLocaleString('en').replace(/,/g, ' ')} keys vs at 1 000`,
      value: '(keyward: see "Scale")',
      baseline: `peer ${opsPerSec(scaling.b)} vs ${opsPerSec(scaling.a)}`,
      ratio: `${percent(scaling.ratio)} of its 1 000-key throughput`,
      target: '(info)',
      met: null,
    });
    await keyward.close();
    db?.close();
  }
  return rows;
}
