// requireToken() beside a floor middleware doing only the header read, SHA-256 and one lookup (and
// beside the same route unguarded), same server process, same handler, measured by autocannon
// from this process in rotating rounds. Every request carries the same Authorization headers, so
// the client does the same work for all. Besides req/s, the server's own CPU time per request is
// read around each run: it prices the guard without the load generator's share of the machine.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/measure.js';
import { opsPerSec, percent, times, type Row } from '../lib/report.js';

const SECTION = 'Guarded route, server CPU per request';
const SERVER = fileURLToPath(new URL('../http/server.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const CONNECTIONS = 32;
export const PIPELINING = 4;

export interface Started {
  child: ChildProcess;
  port: number;
  tokens: string[];
  /** Tokens of the same organization with a rate limit they never reach (the `/rated` route). */
  ratedTokens: string[];
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

/** The server process's CPU time so far (µs) and how many refusals its `/hooked` route's onRefusal was told of. */
export async function serverCounters(child: ChildProcess): Promise<{ cpuMicros: number; refusals: number }> {
  const reply = once(child, 'message');
  child.send('cpu');
  const [message] = (await reply) as [{ cpuMicros: number; refusals: number }];
  return message;
}

async function serverCpu(child: ChildProcess): Promise<number> {
  return (await serverCounters(child)).cpuMicros;
}

export interface LoadResult {
  /** Requests per second seen by autocannon. */
  rate: number;
  /** Server CPU time per request, µs. */
  cpu: number;
}

export async function measure(server: Started, path: string, seconds: number, tokens: readonly string[] = server.tokens): Promise<LoadResult> {
  const before = await serverCpu(server.child);
  const { rate, total } = await load(server.port, path, tokens, seconds);
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

/** Why the guard missed the floor target, in this run's own figures (server CPU per request, medians). */
function explainGuard(m: { store: string; open: number; floor: number; guarded: number }): string {
  const lookup = m.store === 'memory' ? 'one Map.get' : m.store === 'sqlite' ? 'one prepared SELECT' : 'one HMGET';
  const over = m.guarded - m.floor;
  return (
    `By server CPU per request (medians): unguarded route ${m.open.toFixed(1)} µs, floor middleware (header, SHA-256, ${lookup}, nothing else) ` +
    `${m.floor.toFixed(1)} µs, requireToken() ${m.guarded.toFixed(1)} µs: ${over.toFixed(2)} µs over the floor, which pays for the format and ` +
    `checksum check, the expiry and scope checks, the last-used note and the framework's context/property write.`
  );
}

export async function httpSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = ctx.quick ? 3 : 7;
  const seconds = ctx.quick ? 1 : 2;
  for (const framework of ['hono', 'express', 'fastify']) {
    for (const store of ['memory', 'sqlite', 'redis']) {
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
        const ratios = { rate: [] as number[], cpu: [] as number[], overFloorCpu: [] as number[] };
        const paths = { open, floor, guarded } as const;
        for (let round = 0; round < rounds; round++) {
          // Rotate the order, so no route always runs first or last in a round.
          const order = (['open', 'floor', 'guarded'] as const).map((_, i, all) => all[(i + round) % all.length]!);
          const result: Partial<Record<'open' | 'floor' | 'guarded', LoadResult>> = {};
          for (const route of order) result[route] = await measure(server, paths[route], seconds);
          for (const route of order) runs[route].push(result[route]!);
          ratios.rate.push(result.guarded!.rate / result.open!.rate);
          ratios.cpu.push(result.open!.cpu / result.guarded!.cpu);
          ratios.overFloorCpu.push(result.guarded!.cpu / result.floor!.cpu);
        }
        const cpu = (route: 'open' | 'floor' | 'guarded') => median(runs[route].map((r) => r.cpu));
        const rate = (route: 'open' | 'floor' | 'guarded') => median(runs[route].map((r) => r.rate));
        const ratio = median(ratios.rate);
        const cpuRatio = median(ratios.cpu);
        const name = `${{ hono: 'Hono (@hono/node-server)', express: 'Express 5', fastify: 'Fastify 5' }[framework]}, ${{ memory: 'memory', sqlite: 'SQLite', redis: 'Redis' }[store]} store`;
        // Per round: guarded CPU per request ÷ the floor middleware's, so both saw the same machine load.
        const overFloor = median(ratios.overFloorCpu);
        rows.push({
          section: SECTION,
          label: name,
          value: `${cpu('guarded').toFixed(1)} µs/req`,
          baseline: `${cpu('floor').toFixed(1)} µs/req floor middleware`,
          ratio: `${times(overFloor)} floor CPU`,
          target: '≤ 1.03× floor CPU',
          met: overFloor <= 1.03,
          explain: explainGuard({ store, open: cpu('open'), floor: cpu('floor'), guarded: cpu('guarded') }),
        });
        rows.push({
          section: SECTION,
          label: `${name}: guarded vs the same route unguarded`,
          value: `${opsPerSec(rate('guarded')).replace('/s', 'req/s')}`,
          baseline: `${opsPerSec(rate('open')).replace('/s', 'req/s')} unguarded`,
          ratio: `${percent(ratio)} req/s; ${percent(cpuRatio)} by server CPU (${cpu('guarded').toFixed(1)} vs ${cpu('open').toFixed(1)} µs/req)`,
          target: '(info: measures the route as much as the guard)',
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
