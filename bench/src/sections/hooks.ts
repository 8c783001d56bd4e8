// Guard options on a request that passes (issue #15), beside the same guard without them, on
// accepted requests, same server process, by server CPU per request in rotating rounds, on each
// framework with the memory store (the cheapest request, so any added work would show most):
// - the refusal hooks (onRefusal, refusalContext) must cost nothing;
// - a permission check (`permissions: ['deploys:write']`) may cost a lookup in a short list.
import { once } from 'node:events';
import type { BenchContext } from '../lib/context.js';
import { expectOk, median } from '../lib/measure.js';
import { times, type Row } from '../lib/report.js';
import { load, measure, serverCounters, startServer, type LoadResult } from './http.js';

const SECTION = 'Guard options on accepted requests, server CPU per request';

type Route = 'guarded' | 'hooked' | 'permitted';
const NAMES: Record<string, string> = { hono: 'Hono (@hono/node-server)', express: 'Express 5', fastify: 'Fastify 5' };

export async function hooksSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = ctx.quick ? 3 : 7;
  const seconds = ctx.quick ? 1 : 2;
  for (const framework of ['hono', 'express', 'fastify']) {
    const server = await startServer(framework, 'memory', 1000, ctx.tmp);
    try {
      const routes: Route[] = ['guarded', 'hooked', 'permitted'];
      const paths = Object.fromEntries(routes.map((route) => [route, `/${route}/orgs/${server.organization}/ping`])) as Record<Route, string>;
      for (const route of routes) await load(server.port, paths[route], server.tokens, 2);
      const runs: Record<Route, LoadResult[]> = { guarded: [], hooked: [], permitted: [] };
      const ratios: Record<Exclude<Route, 'guarded'>, number[]> = { hooked: [], permitted: [] };
      for (let round = 0; round < rounds; round++) {
        // Rotate the order, so a drift in machine load does not favour one route.
        const order = routes.map((_, i) => routes[(i + round) % routes.length]!);
        const result: Partial<Record<Route, LoadResult>> = {};
        for (const route of order) result[route] = await measure(server, paths[route], seconds);
        for (const route of order) runs[route].push(result[route]!);
        ratios.hooked.push(result.hooked!.cpu / result.guarded!.cpu);
        ratios.permitted.push(result.permitted!.cpu / result.guarded!.cpu);
      }
      expectOk((await serverCounters(server.child)).refusals === 0, 'onRefusal is never called for accepted requests');
      // And the hooks are live: one refused request reaches onRefusal.
      const refused = await fetch(`http://127.0.0.1:${server.port}${paths.hooked}`, { headers: { authorization: 'Bearer kw_not_a_token' } });
      await refused.arrayBuffer();
      expectOk(refused.status === 401 && (await serverCounters(server.child)).refusals === 1, 'onRefusal is called for a refused request');
      const cpu = (route: Route) => median(runs[route].map((r) => r.cpu));
      const ratio = median(ratios.hooked);
      const permissionRatio = median(ratios.permitted);
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
      rows.push({
        section: SECTION,
        label: `${NAMES[framework]}, memory store: requireToken() with permissions: ['deploys:write']`,
        value: `${cpu('permitted').toFixed(1)} µs/req`,
        baseline: `${cpu('guarded').toFixed(1)} µs/req without it`,
        ratio: `${times(permissionRatio)} the guard without it`,
        target: '≤ 1.02× (one short list lookup per request)',
        met: permissionRatio <= 1.02,
        explain: 'The check is a loop over the route\'s required names against the token\'s granted ones, after the scope check.',
      });
    } finally {
      server.child.disconnect();
      await once(server.child, 'exit');
    }
  }
  return rows;
}
