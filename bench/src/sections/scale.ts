// Scale: verify throughput with a million tokens beside a thousand, memory heap per token, and
// the first page of an organization's list at 10 000 tokens beside one of 100 tokens.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { memoryStore, type Actor, type Keyward, type TokenStore } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import type { BenchContext } from '../lib/context.js';
import { fill, fixture, shuffle } from '../lib/fixtures.js';
import { median, pair } from '../lib/measure.js';
import { micros, opsPerSec, percent, type Row } from '../lib/report.js';
import { checkLoop, floorLoop, keywardOn } from './verify.js';

const SECTION = 'Scale';
const CHILD = fileURLToPath(new URL('../scale/memory-child.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

interface ChildReport {
  bytesPerToken: number;
  kept: number;
  fillMs: number;
  small: number;
  large: number;
  ratio: number;
  floorRatio: number;
}

const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');

async function memoryScale(ctx: BenchContext, count: number): Promise<ChildReport> {
  const child = fork(CHILD, [String(count), JSON.stringify(ctx.timing)], {
    cwd: BENCH_DIR,
    execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [report] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`memory scale child exited with ${String(code)}`))),
  ])) as [ChildReport];
  await once(child, 'exit');
  return report;
}

/** Median latency (ms) of the first page of `organizationId`'s list, newest first, 50 items. */
async function firstPageMs(keyward: Keyward, organizationId: string, calls: number): Promise<number> {
  const actor: Actor = { userId: 'user_bench', organizationId, role: 'owner' };
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const page = await keyward.list(actor, { limit: 50 });
    samples.push(performance.now() - start);
    if (page.items.length !== 50) throw new Error('benchmark sanity check failed: a first page of 50 tokens');
  }
  return median(samples);
}

async function listRows(ctx: BenchContext, label: string, store: TokenStore, batch?: (run: () => void) => void): Promise<Row> {
  // Organization org_0 gets 10 000 tokens, org_1 gets 100 (interleaved, as creation order would be).
  await fill(store, 10_000, 1, { organizations: 1, batch });
  // A second, small organization (fixtures name their organizations org_0, org_1…).
  const pending: Array<Promise<unknown>> = [];
  const run = () => {
    for (let i = 0; i < 100; i++) pending.push(store.insert({ ...fixture(i, { organizations: 1 }).record, organizationId: 'org_small' }));
  };
  if (batch) batch(run);
  else run();
  await Promise.all(pending);
  const keyward = keywardOn(store);
  const calls = ctx.quick ? 50 : 200;
  await firstPageMs(keyward, 'org_0', 20);
  await firstPageMs(keyward, 'org_small', 20);
  const large: number[] = [];
  const smallMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    large.push(await firstPageMs(keyward, 'org_0', calls / 5));
    smallMs.push(await firstPageMs(keyward, 'org_small', calls / 5));
  }
  await keyward.close();
  const l = median(large);
  const s = median(smallMs);
  return {
    section: SECTION,
    label: `${label}: list(), first page of 50, organization with 10 000 tokens`,
    value: micros(l),
    baseline: `${micros(s)} with 100 tokens`,
    ratio: `${(l / s).toFixed(2)}× the small organization's time`,
    target: '(info)',
    met: null,
  };
}

export async function scaleSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const LARGE = ctx.quick ? 200_000 : 1_000_000;

  // Memory, in a child process with --expose-gc.
  const memory = await memoryScale(ctx, LARGE);
  rows.push({
    section: SECTION,
    label: `memory, check() at ${spaced(LARGE)} tokens vs 1 000`,
    value: opsPerSec(memory.large),
    baseline: `${opsPerSec(memory.small)} at 1 000`,
    ratio: percent(memory.ratio),
    target: '≥ 80 % (within 20 %)',
    met: memory.ratio >= 0.8,
    note: 'same working set at both sizes: 1 000 distinct tokens, spread over the large store',
    explain:
      `The floor itself (SHA-256 + a lookup in the same store) keeps only ${percent(memory.floorRatio)} of its 1 000-token throughput: ` +
      `a thousand tokens spread over a heap of hundreds of MB miss the CPU caches and the TLB on every lookup. The lookup is O(1) ` +
      `(one Map); what keyward adds on top (the record, its boxed expiry and last-used numbers) is one or two more cache lines.`,
  });
  rows.push({
    section: SECTION,
    label: `memory floor (SHA-256 + findByHash) at ${spaced(LARGE)} tokens vs 1 000`,
    value: '',
    baseline: '',
    ratio: percent(memory.floorRatio),
    target: '(info: CPU caches and TLB)',
    met: null,
  });
  rows.push({
    section: SECTION,
    label: `memory store heap per token (${spaced(LARGE)} tokens)`,
    value: `${memory.bytesPerToken.toFixed(0)} B`,
    baseline: '',
    ratio: '',
    target: '≤ 400 B',
    met: memory.bytesPerToken <= 400,
    explain:
      'Down from 810 B before this work (flattened strings, shared organization/user/scope values, one id index, no per-token copies). ' +
      'What remains is the token itself: its strings take about 216 B (43-character hash 64 B, 25-character id 48 B, 7-character hint 24 B, ' +
      'and here a 17-character name and its case-folded key 40 B each), the frozen 11-field record 112 B, its creation and expiry instants ' +
      '16 B each as heap numbers, and three index entries (hash, id, name key: V8 Maps and Sets cost 26–45 B per entry) with the ordered ' +
      'list. Reaching 400 B would take storing records outside JavaScript objects (typed arrays) and rebuilding one per verification, ' +
      'which would cost more per verification than it saves.',
    note: `includes ${spaced(memory.kept)} plaintexts kept for the throughput test`,
  });

  // SQLite.
  {
    const smallDb = ctx.sqlite('scale-small');
    const largeDb = ctx.sqlite('scale-large');
    const small = sqliteStore({ db: smallDb });
    const large = sqliteStore({ db: largeDb });
    const smallTokens = shuffle(await fill(small, 1000, 1000, { batch: (run) => smallDb.transaction(run)() }));
    const largeTokens = shuffle(await fill(large, LARGE, 1000, { batch: (run) => largeDb.transaction(run)() }));
    const smallKeyward = keywardOn(small);
    const largeKeyward = keywardOn(large);
    const result = await pair(checkLoop(smallKeyward, smallTokens), checkLoop(largeKeyward, largeTokens), ctx.timing);
    await smallKeyward.close();
    await largeKeyward.close();
    const select = (db: typeof smallDb) =>
      db.prepare('SELECT id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?');
    const smallSelect = select(smallDb);
    const largeSelect = select(largeDb);
    const floor = await pair(floorLoop(smallTokens, (h) => smallSelect.get(h)), floorLoop(largeTokens, (h) => largeSelect.get(h)), ctx.timing);
    rows.push({
      section: SECTION,
      label: `SQLite, check() at ${spaced(LARGE)} tokens vs 1 000`,
      value: opsPerSec(result.b),
      baseline: `${opsPerSec(result.a)} at 1 000`,
      ratio: percent(result.ratio),
      target: '≥ 80 % (within 20 %)',
      met: result.ratio >= 0.8,
      note: 'same working set at both sizes: 1 000 distinct tokens, spread over the large table',
      explain:
        `SQLite's own point SELECT (the floor, same connection) keeps ${percent(floor.ratio)} at this size: the hash index and the table ` +
        `each gain B-tree levels and the pages spread past SQLite's default 2 MB page cache. keyward adds nothing that grows with the ` +
        `table (it keeps ${percent(result.ratio / floor.ratio)} of the floor's ratio). A larger cache_size or mmap_size on the host's connection narrows the gap.`,
    });
    rows.push({
      section: SECTION,
      label: `SQLite floor (SHA-256 + SELECT) at ${spaced(LARGE)} rows vs 1 000`,
      value: opsPerSec(floor.b),
      baseline: `${opsPerSec(floor.a)} at 1 000`,
      ratio: percent(floor.ratio),
      target: '(info: B-tree depth, page cache)',
      met: null,
    });
    smallDb.close();
    largeDb.close();
  }

  rows.push(await listRows(ctx, 'memory', memoryStore()));
  const listDb = ctx.sqlite('list');
  rows.push(await listRows(ctx, 'SQLite', sqliteStore({ db: listDb }), (run) => listDb.transaction(run)()));
  listDb.close();
  return rows;
}
