// The refusal hooks (issue #15: onRefusal, refusalContext) must cost nothing on a request that
// passes: requireToken() with both set beside the same guard without them, on accepted requests,
// same server process, by server CPU per request in rotating rounds, on each framework with the
// memory store (the cheapest request, so any added work would show most).
import { once } from 'node:events';
import type { BenchContext } from '../lib/context.js';
import { expectOk, median } from '../lib/measure.js';
import { times, type Row } from '../lib/report.js';
import { load, measure, serverCounters, startServer, type LoadResult } from './http.js';

const SECTION = 'Refusal hooks on accepted requests, server CPU per request';
const NAMES: Record<string, string> = { hono: 'Hono (@hono/node-server)', express: 'Express 5', fastify: 'Fastify 5' };

export async function hooksSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = ctx.quick ? 3 : 7;
  const seconds = ctx.quick ? 1 : 2;
  for (const framework of ['hono', 'express', 'fastify']) {
    const server = await startServer(framework, 'memory', 1000, ctx.tmp);
    try {
      const paths = { guarded: `/guarded/orgs/${server.organization}/ping`, hooked: `/hooked/orgs/${server.organization}/ping` } as const;
      await load(server.port, paths.guarded, server.tokens, 2);
      await load(server.port, paths.hooked, server.tokens, 2);
      const runs: Record<keyof typeof paths, LoadResult[]> = { guarded: [], hooked: [] };
      const ratios: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? (['guarded', 'hooked'] as const) : (['hooked', 'guarded'] as const);
        const result: Partial<Record<keyof typeof paths, LoadResult>> = {};
        for (const route of order) result[route] = await measure(server, paths[route], seconds);
        for (const route of order) runs[route].push(result[route]!);
        ratios.push(result.hooked!.cpu / result.guarded!.cpu);
      }
      expectOk((await serverCounters(server.child)).refusals === 0, 'onRefusal is never called for accepted requests');
      // And the hooks are live: one refused request reaches onRefusal.
      const refused = await fetch(`http://127.0.0.1:${server.port}${paths.hooked}`, { headers: { authorization: 'Bearer kw_not_a_token' } });
      await refused.arrayBuffer();
      expectOk(refused.status === 401 && (await serverCounters(server.child)).refusals === 1, 'onRefusal is called for a refused request');
      const cpu = (route: keyof typeof paths) => median(runs[route].map((r) => r.cpu));
      const ratio = median(ratios);
      rows.push({
        section: SECTION,
        label: `${NAMES[framework]}, memory store: requireToken() with onRefusal and refusalContext`,
        value: `${cpu('hooked').toFixed(1)} µs/req`,
        baseline: `${cpu('guarded').toFixed(1)} µs/req without them`,
        ratio: `${times(ratio)} the guard without them`,
        target: '≤ 1.02× (a pass calls no hook)',
        met: ratio <= 1.02,
        explain:
          'Both routes run the same code on a pass: the hooks are read only once a request is refused, so what is left is measurement noise between the two routes.',
      });
    } finally {
      server.child.disconnect();
      await once(server.child, 'exit');
    }
  }
  return rows;
}
