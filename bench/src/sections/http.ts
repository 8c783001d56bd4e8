// A guarded route beside the same route unguarded (and beside a floor middleware doing only the
// header read, SHA-256 and one lookup), same server process, same handler, measured by autocannon
// from this process in rotating rounds. Every request carries the same Authorization headers, so
// the client does the same work for all. Besides req/s, the server's own CPU time per request is
// read around each run: it prices the guard without the load generator's share of the machine.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/measure.js';
import { opsPerSec, percent, type Row } from '../lib/report.js';

const SECTION = 'Guarded route vs the same route unguarded';
const SERVER = fileURLToPath(new URL('../http/server.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const CONNECTIONS = 32;
export const PIPELINING = 4;

export interface Started {
  child: ChildProcess;
  port: number;
  tokens: string[];
  organization: string;
}

export async function startServer(framework: string, store: string, tokens: number, dir: string, extra: string[] = []): Promise<Started> {
  const child = fork(SERVER, [framework, store, String(tokens), dir, ...extra], { cwd: BENCH_DIR, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`bench server exited with ${String(code)}`))),
  ])) as [Omit<Started, 'child'>];
  return { child, ...message };
}

async function serverCpu(child: ChildProcess): Promise<number> {
  const reply = once(child, 'message');
  child.send('cpu');
  const [message] = (await reply) as [{ cpuMicros: number }];
  return message.cpuMicros;
}

export interface LoadResult {
  /** Requests per second seen by autocannon. */
  rate: number;
  /** Server CPU time per request, µs. */
  cpu: number;
}

export async function measure(server: Started, path: string, seconds: number): Promise<LoadResult> {
  const before = await serverCpu(server.child);
  const { rate, total } = await load(server.port, path, server.tokens, seconds);
  const after = await serverCpu(server.child);
  return { rate, cpu: (after - before) / total };
}

export async function load(port: number, path: string, tokens: readonly string[], seconds: number): Promise<{ rate: number; total: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration: seconds,
    // Static requests, one per token, that each connection cycles through: no per-request JS.
    requests: tokens.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } })),
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`benchmark sanity check failed: ${path} answered ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rate: result.requests.total / seconds, total: result.requests.total };
}

/** Why a guarded route missed 90 %, in this run's own figures (server CPU per request, medians). */
function explainGuard(m: { store: string; open: number; floor: number; guarded: number; cpuRatio: number; floorCpuRatio: number }): string {
  const lookup = m.store === 'memory' ? 'one Map.get' : 'one prepared SELECT';
  const floorKeeps = m.open / m.floor;
  const parts = [
    `By server CPU per request (medians): unguarded ${m.open.toFixed(1)} µs, floor middleware (header, SHA-256, ${lookup}, nothing else) ${m.floor.toFixed(1)} µs, requireToken() ${m.guarded.toFixed(1)} µs.`,
  ];
  if (floorKeeps < 0.9) {
    parts.push(
      `The floor middleware alone keeps ${percent(floorKeeps)} of this route's capacity, so no token check on this store can reach 90 % of this ` +
        `(deliberately trivial) route here; requireToken() keeps ${percent(m.floorCpuRatio)} of the floor middleware's.`,
    );
  } else {
    parts.push(`The floor middleware keeps ${percent(floorKeeps)}; requireToken() keeps ${percent(m.floorCpuRatio)} of the floor middleware's.`);
  }
  if (m.cpuRatio >= 0.9) parts.push('By server CPU the target is met; the req/s ratio moved with the load of the shared machine.');
  return parts.join(' ');
}

export async function httpSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = ctx.quick ? 3 : 7;
  const seconds = ctx.quick ? 1 : 2;
  for (const framework of ['hono', 'express']) {
    for (const store of ['memory', 'sqlite']) {
      const server = await startServer(framework, store, 1000, ctx.tmp);
      try {
        const open = `/open/orgs/${server.organization}/ping`;
        const floor = `/floor/orgs/${server.organization}/ping`;
        const guarded = `/guarded/orgs/${server.organization}/ping`;
        // Warm-up: JIT, SQLite page cache, connection setup, the tokens' last-used writes.
        await load(server.port, open, server.tokens, 1);
        await load(server.port, floor, server.tokens, 1);
        await load(server.port, guarded, server.tokens, 2);
        const runs: Record<'open' | 'floor' | 'guarded', LoadResult[]> = { open: [], floor: [], guarded: [] };
        const ratios = { rate: [] as number[], cpu: [] as number[], floorRate: [] as number[], floorCpu: [] as number[] };
        const paths = { open, floor, guarded } as const;
        for (let round = 0; round < rounds; round++) {
          // Rotate the order, so no route always runs first or last in a round.
          const order = (['open', 'floor', 'guarded'] as const).map((_, i, all) => all[(i + round) % all.length]!);
          const result: Partial<Record<'open' | 'floor' | 'guarded', LoadResult>> = {};
          for (const route of order) result[route] = await measure(server, paths[route], seconds);
          for (const route of order) runs[route].push(result[route]!);
          ratios.rate.push(result.guarded!.rate / result.open!.rate);
          ratios.cpu.push(result.open!.cpu / result.guarded!.cpu);
          ratios.floorRate.push(result.guarded!.rate / result.floor!.rate);
          ratios.floorCpu.push(result.floor!.cpu / result.guarded!.cpu);
        }
        const cpu = (route: 'open' | 'floor' | 'guarded') => median(runs[route].map((r) => r.cpu));
        const rate = (route: 'open' | 'floor' | 'guarded') => median(runs[route].map((r) => r.rate));
        const ratio = median(ratios.rate);
        const cpuRatio = median(ratios.cpu);
        const name = `${framework === 'hono' ? 'Hono (@hono/node-server)' : 'Express 5'}, ${store === 'memory' ? 'memory' : 'SQLite'} store`;
        rows.push({
          section: SECTION,
          label: name,
          value: `${opsPerSec(rate('guarded')).replace('/s', 'req/s')}`,
          baseline: `${opsPerSec(rate('open')).replace('/s', 'req/s')} unguarded`,
          ratio: `${percent(ratio)} req/s; ${percent(cpuRatio)} by server CPU (${cpu('guarded').toFixed(1)} vs ${cpu('open').toFixed(1)} µs/req)`,
          target: '≥ 90 %',
          met: ratio >= 0.9,
          explain: explainGuard({ store, open: cpu('open'), floor: cpu('floor'), guarded: cpu('guarded'), cpuRatio, floorCpuRatio: median(ratios.floorCpu) }),
        });
        rows.push({
          section: SECTION,
          label: `${name}: guarded vs the floor middleware`,
          value: `${opsPerSec(rate('guarded')).replace('/s', 'req/s')}`,
          baseline: `${opsPerSec(rate('floor')).replace('/s', 'req/s')} floor (${cpu('floor').toFixed(1)} µs/req)`,
          ratio: `${percent(median(ratios.floorRate))} req/s; ${percent(median(ratios.floorCpu))} by server CPU`,
          target: '(info: the guard beside the least a check must do)',
          met: null,
        });
      } finally {
        server.child.disconnect();
        await once(server.child, 'exit');
      }
    }
  }
  return rows;
}
