// Route lists in the docs, read so they can be compared with the code: a guide that lists the
// management routes lists all of them (a new route cannot be left out of one), every route a doc
// names exists, and a Next.js route file exports every method the API answers (a method left out
// answers 405 from Next itself).

const METHOD = 'GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS';

// `GET /tokens`, `GET/PATCH/DELETE /tokens/:id`, `POST /settings/tokens/:id/roll`, `GET …/tokens/openapi.json`,
// `GET /tokens/{id}`: methods joined by `/`, then a path whose API part starts at `/tokens`
// (what comes before it is where the host mounted the API).
const MENTION = new RegExp(`\\b((?:${METHOD})(?:/(?:${METHOD}))*)\\s+[^\\s\`'"]*?(/tokens(?:/[A-Za-z0-9:{}._-]+)*)`, 'g');

/** A route as the docs name it: `PATCH /tokens/:id`. */
export type RouteName = string;

/**
 * The routes a text names, each once, in order: `GET/DELETE /tokens/{id}` is two of them, and
 * OpenAPI's `{id}` reads as `:id`.
 * @example routesIn('`GET/POST /tokens`, `DELETE /settings/tokens/:id`') // ['GET /tokens', 'POST /tokens', 'DELETE /tokens/:id']
 */
export function routesIn(text: string): RouteName[] {
  const found = new Set<RouteName>();
  for (const [, methods, path] of text.matchAll(MENTION)) {
    const normalized = path!.replace(/\{(\w+)\}/g, ':$1').replace(/\.$/, '');
    for (const method of methods!.split('/')) found.add(`${method} ${normalized}`);
  }
  return [...found];
}

/** A stretch of a document that reads as one unit: a paragraph, a list item, a table, a line of code. */
export interface TextBlock {
  /** 1-based line where it starts. */
  line: number;
  text: string;
}

/**
 * Splits markdown into blocks: paragraphs at blank lines, each list item on its own (a list of
 * features names one route per item, not a route list), a table whole, and each line of a code
 * block on its own (a comment listing routes is one line).
 */
export function textBlocks(markdown: string): TextBlock[] {
  const lines = markdown.split('\n');
  const blocks: TextBlock[] = [];
  let current: TextBlock | undefined;
  const close = () => {
    if (current) blocks.push(current);
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      close();
      const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
      const last = end === -1 ? lines.length : end;
      for (let j = i + 1; j < last; j++) blocks.push({ line: j + 1, text: lines[j]! });
      i = last;
      continue;
    }
    if (line.trim() === '') {
      close();
      continue;
    }
    const startsItem = /^\s*(?:[-*+]|\d+\.)\s/.test(line);
    const inTable = current !== undefined && current.text.trimStart().startsWith('|');
    if (startsItem || (inTable && !line.trimStart().startsWith('|')) || (!inTable && current && line.trimStart().startsWith('|'))) close();
    if (current) current.text += `\n${line}`;
    else current = { line: i + 1, text: line };
  }
  close();
  return blocks;
}

/**
 * The route of `routes` a mention names: the same route, or else the first whose `:param`
 * segments match (`DELETE /tokens/tok_1` is `DELETE /tokens/:id`); undefined when none does.
 * @example routeOf('DELETE /tokens/tok_1', ['GET /tokens/:id', 'DELETE /tokens/:id']) // 'DELETE /tokens/:id'
 */
export function routeOf(mention: RouteName, routes: readonly RouteName[]): RouteName | undefined {
  if (routes.includes(mention)) return mention;
  return routes.find((route) => new RegExp(`^${route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`).test(mention));
}

/** A block of a document naming at least `LIST_THRESHOLD` distinct routes: it reads as the list of them. */
export const LIST_THRESHOLD = 4;

export interface RouteListProblem {
  line: number;
  /** Routes the block names that the API does not have. */
  unknown: RouteName[];
  /** Routes the API has that a route list leaves out (only for blocks that are route lists). */
  missing: RouteName[];
}

/**
 * What is wrong with the routes `markdown` names, judged against `routes` (every route the
 * management API answers): names of routes that do not exist, and route lists that leave some out.
 * @example routeListProblems('`GET/POST /tokens`, `GET/DELETE /tokens/:id`', ['GET /tokens', 'POST /tokens', 'GET /tokens/:id', 'PATCH /tokens/:id', 'DELETE /tokens/:id'])
 * // [{ line: 1, unknown: [], missing: ['PATCH /tokens/:id'] }]
 */
export function routeListProblems(markdown: string, routes: readonly RouteName[]): RouteListProblem[] {
  const problems: RouteListProblem[] = [];
  for (const block of textBlocks(markdown)) {
    const mentions = routesIn(block.text);
    if (mentions.length === 0) continue;
    const resolved = mentions.map((mention) => ({ mention, route: routeOf(mention, routes) }));
    const unknown = resolved.filter(({ route }) => route === undefined).map(({ mention }) => mention);
    const named = new Set(resolved.map(({ route }) => route));
    const missing = named.size >= LIST_THRESHOLD ? routes.filter((route) => !named.has(route)) : [];
    if (unknown.length > 0 || missing.length > 0) problems.push({ line: block.line, unknown, missing });
  }
  return problems;
}

/**
 * The HTTP methods a module exports as route handlers, as Next.js reads a route file:
 * `export { handle as GET }`, `export const POST = …`, `export const { GET, POST } = …`,
 * `export async function DELETE(…)`.
 * @example exportedMethods('export { handle as DELETE, handle as GET };') // ['DELETE', 'GET']
 */
export function exportedMethods(code: string): string[] {
  const methods = new Set<string>();
  const name = new RegExp(`^(?:${METHOD})$`);
  for (const [, list] of code.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const exported = item.trim().split(/\s+as\s+/).at(-1)!.trim();
      if (name.test(exported)) methods.add(exported);
    }
  }
  for (const [, exported] of code.matchAll(new RegExp(`export\\s+(?:const|let|var|(?:async\\s+)?function)\\s+(${METHOD})\\b`, 'g'))) methods.add(exported!);
  for (const [, list] of code.matchAll(/export\s+const\s*\{([^}]*)\}\s*=/g)) {
    for (const item of list!.split(',')) {
      const exported = item.trim().split(/\s*:\s*/).at(-1)!.trim();
      if (name.test(exported)) methods.add(exported);
    }
  }
  return [...methods].sort();
}
