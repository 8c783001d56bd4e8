// The docs' route lists come from the code: every list of management routes in README.md, docs/
// (the API reference included), the package and example READMEs names every route core mounts,
// every route a doc names exists, and every Next.js route file (shown in the docs or in
// examples/next-app) exports every method the management API answers.
import { MANAGEMENT_ROUTES, OPENAPI_PATH } from '@keyward/core/http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, codeBlocks, markdownFiles } from '../src/markdown.js';
import { exportedMethods, routeListProblems, routeOf, routesIn, textBlocks } from '../src/route-lists.js';

/** Every route the management API answers: core's table, and the OpenAPI document every adapter serves beside it. */
const API_ROUTES = [...MANAGEMENT_ROUTES.map((route) => `${route.method} ${route.path}`), `GET ${OPENAPI_PATH}`];
/** What a Next.js route file mounting the whole API must export. */
const API_METHODS = [...new Set(MANAGEMENT_ROUTES.map((route) => route.method))].sort();

/** Route files of the Next.js example: what `next build` compiles. */
function nextRouteFiles(): string[] {
  const app = join(ROOT, 'examples/next-app/app');
  return readdirSync(app, { recursive: true, encoding: 'utf8' })
    .filter((path) => /(^|\/)route\.tsx?$/.test(path))
    .map((path) => join('examples/next-app/app', path));
}

describe('reading route lists', () => {
  test('routesIn reads method lists, mount paths, query strings and OpenAPI parameters', () => {
    expect(routesIn('`GET/POST /tokens`, `GET /tokens?limit=&cursor=`, `GET/PATCH/DELETE /tokens/:id`')).toEqual(['GET /tokens', 'POST /tokens', 'GET /tokens/:id', 'PATCH /tokens/:id', 'DELETE /tokens/:id']);
    expect(routesIn('// GET/POST /api/settings/tokens, DELETE /api/settings/tokens/:id…')).toEqual(['GET /tokens', 'POST /tokens', 'DELETE /tokens/:id']);
    expect(routesIn('`GET/DELETE /tokens/{id}`, served at `GET …/tokens/openapi.json`.')).toEqual(['GET /tokens/:id', 'DELETE /tokens/:id', 'GET /tokens/openapi.json']);
    expect(routesIn('curl -s -X POST localhost:3000/settings/tokens')).toEqual(['POST /tokens']);
  });

  test('a table, a paragraph and each list item are blocks of their own; code blocks go line by line', () => {
    const blocks = textBlocks(['intro', 'still intro', '', '- one', '- two', '  more of two', '', '| a |', '|---|', '| b |', 'after', '```ts', 'x', 'y', '```'].join('\n'));
    expect(blocks.map((b) => [b.line, b.text])).toEqual([
      [1, 'intro\nstill intro'],
      [4, '- one'],
      [5, '- two\n  more of two'],
      [8, '| a |\n|---|\n| b |'],
      [11, 'after'],
      [13, 'x'],
      [14, 'y'],
    ]);
  });

  test('a list naming most routes but not all is reported with what it leaves out; a passing mention of a few is not a list', () => {
    const routes = ['GET /tokens', 'POST /tokens', 'GET /tokens/:id', 'PATCH /tokens/:id', 'DELETE /tokens/:id'];
    expect(routeListProblems('adds `GET/POST /tokens`, `GET/DELETE /tokens/:id` under prefix', routes)).toEqual([{ line: 1, unknown: [], missing: ['PATCH /tokens/:id'] }]);
    expect(routeListProblems('adds `GET/POST /tokens`, `GET/PATCH/DELETE /tokens/:id`', routes)).toEqual([]);
    expect(routeListProblems('`PATCH /tokens/:id` renames', routes)).toEqual([]);
    expect(routeListProblems('`PUT /tokens/:id` renames', routes)).toEqual([{ line: 1, unknown: ['PUT /tokens/:id'], missing: [] }]);
    // A concrete id names the parameterized route.
    expect(routeListProblems('curl -X DELETE localhost:3000/settings/tokens/tok_…', routes)).toEqual([]);
    expect(routeListProblems('`GET/POST /tokens`, `GET /tokens/tok_1`, `PATCH /tokens/tok_1`, `DELETE /tokens/tok_2`', routes)).toEqual([]);
  });

  test('routeOf prefers the route itself, then the first whose parameters match', () => {
    const routes = ['GET /tokens/permissions', 'GET /tokens/:id', 'POST /tokens/:id/roll', 'GET /tokens/openapi.json'];
    expect(routeOf('GET /tokens/permissions', routes)).toBe('GET /tokens/permissions');
    expect(routeOf('GET /tokens/openapi.json', routes)).toBe('GET /tokens/openapi.json');
    expect(routeOf('GET /tokens/tok_1', routes)).toBe('GET /tokens/:id');
    expect(routeOf('POST /tokens/tok_1/roll', routes)).toBe('POST /tokens/:id/roll');
    expect(routeOf('POST /tokens/tok_1', routes)).toBeUndefined();
  });

  test('exportedMethods reads every way a Next.js route file exports handlers', () => {
    expect(exportedMethods('export { handle as DELETE, handle as GET, handle as POST };')).toEqual(['DELETE', 'GET', 'POST']);
    expect(exportedMethods('export const GET = guard.withToken(h);\nexport async function PATCH(request) {}')).toEqual(['GET', 'PATCH']);
    expect(exportedMethods('export const { GET, POST: post, PATCH } = handlers;')).toEqual(['GET', 'PATCH']);
    expect(exportedMethods('const handle = createFetchManagement(options);')).toEqual([]);
  });
});

describe('the docs against MANAGEMENT_ROUTES', () => {
  test('the API has the routes these checks expect to find in a list', () => {
    expect(API_ROUTES).toContain('PATCH /tokens/:id');
    expect(API_ROUTES.length).toBeGreaterThanOrEqual(4);
  });

  test.each(markdownFiles())('%s: every route list names every route, and every route named exists', (file) => {
    const problems = routeListProblems(readFileSync(join(ROOT, file), 'utf8'), API_ROUTES);
    expect(problems.map((p) => `${file}:${p.line}${p.missing.length ? ` leaves out ${p.missing.join(', ')}` : ''}${p.unknown.length ? ` names unknown ${p.unknown.join(', ')}` : ''}`)).toEqual([]);
  });

  test('every Next.js route file mounting the management API, in the docs or in examples/next-app, exports every method it answers', () => {
    const mounting = [
      ...markdownFiles().flatMap((file) => codeBlocks(file).map((block) => ({ where: `${block.file}:${block.line}`, code: block.code }))),
      ...nextRouteFiles().map((file) => ({ where: file, code: readFileSync(join(ROOT, file), 'utf8') })),
    ].filter(({ code }) => code.includes('createFetchManagement(') && exportedMethods(code).length > 0);
    // The example's route, docs/fetch.md's copy of it, the fetch README and the API reference at least.
    expect(mounting.length).toBeGreaterThanOrEqual(4);
    expect(mounting.filter(({ where }) => where.startsWith('examples/next-app/app/'))).toHaveLength(1);
    const wrong = mounting.filter(({ code }) => exportedMethods(code).join() !== API_METHODS.join()).map(({ where, code }) => `${where} exports ${exportedMethods(code).join(', ')}`);
    expect(wrong, `each must export ${API_METHODS.join(', ')}`).toEqual([]);
  });
});
