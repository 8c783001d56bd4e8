// A guarded route beside the same route unguarded, same server process, same handler, measured by
// autocannon from this process in alternating rounds. The unguarded requests carry the same
// Authorization headers, so the client does the same work for both.
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

interface Started {
  child: ChildProcess;
  port: number;
  tokens: string[];
  organization: string;
}

async function startServer(framework: string, store: string, tokens: number, dir: string): Promise<Started> {
  const child = fork(SERVER, [framework, store, String(tokens), dir], { cwd: BENCH_DIR, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`bench server exited with ${String(code)}`))),
  ])) as [Omit<Started, 'child'>];
  return { child, ...message };
}

async function load(port: number, path: string, tokens: readonly string[], seconds: number): Promise<number> {
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
  return result.requests.total / seconds;
}

export async function httpSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = ctx.quick ? 3 : 5;
  const seconds = ctx.quick ? 1 : 2;
  for (const framework of ['hono', 'express']) {
    for (const store of ['memory', 'sqlite']) {
      const server = await startServer(framework, store, 1000, ctx.tmp);
      try {
        const open = `/open/orgs/${server.organization}/ping`;
        const guarded = `/guarded/orgs/${server.organization}/ping`;
        // Warm-up: JIT, SQLite page cache, connection setup.
        await load(server.port, open, server.tokens, 1);
        await load(server.port, guarded, server.tokens, 1);
        const openRates: number[] = [];
        const guardedRates: number[] = [];
        const ratios: number[] = [];
        for (let round = 0; round < rounds; round++) {
          const first = round % 2 === 0;
          const a = first ? await load(server.port, open, server.tokens, seconds) : 0;
          const b = await load(server.port, guarded, server.tokens, seconds);
          const o = first ? a : await load(server.port, open, server.tokens, seconds);
          openRates.push(o);
          guardedRates.push(b);
          ratios.push(b / o);
        }
        const ratio = median(ratios);
        rows.push({
          section: SECTION,
          label: `${framework === 'hono' ? 'Hono (@hono/node-server)' : 'Express 5'}, ${store === 'memory' ? 'memory' : 'SQLite'} store`,
          value: `${opsPerSec(median(guardedRates)).replace('/s', 'req/s')}`,
          baseline: `${opsPerSec(median(openRates)).replace('/s', 'req/s')} unguarded`,
          ratio: percent(ratio),
          target: '≥ 90 %',
          met: ratio >= 0.9,
        });
      } finally {
        server.child.disconnect();
        await once(server.child, 'exit');
      }
    }
  }
  return rows;
}
