// Hostile input. 100 000 generated Authorization / x-api-key header pairs go through the
// framework-free guard (`authenticate()`, the same code both middlewares run), and a sample of
// them over real HTTP to Hono and Express; then the management API gets random JSON bodies.
//
// Properties: never an exception, never a 5xx while the store is up, a 503 only when it is down;
// the store is asked only about well-formed tokens (counted by a wrapping store, and checked
// against an oracle of the token format written independently of keyward's parser); a pass only
// for a live token; and management input that is refused leaves the store exactly as it was.
import { createKeyward, memoryStore, type Keyward, type TokenRecord } from '@keyward/core';
import { authenticate, createGuard, handleBulkDeleteTokens, handleCreateToken } from '@keyward/core/http';
import { generateToken } from '@keyward/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTORS, FRAMEWORKS, as, resolveProject, serveApp, type Framework } from './support/apps.js';
import { call, rawStatus, type Listening } from '@keyward/test-kit/net';
import { countingStore, isWellFormed, sha256, type CountingStore } from '@keyward/test-kit/stores';

const RUNS = 100_000;
const HTTP_RUNS = 2_000;
const ONE_MB = 1024 * 1024;

let store: CountingStore;
let keyward: Keyward;
/** Organization tokens of org_a: pass on proj_a1 and proj_a2. */
let live: string[];
/** A proj_a1 token: passes on proj_a1 only. */
let projectToken: string;
/** Well-formed (valid checksum) but never stored. */
let unknown: string[];
/** Hashes of every well-formed token the generators can produce: the only lookups allowed. */
let allowedLookups: Set<string>;

beforeAll(async () => {
  store = countingStore(memoryStore());
  keyward = createKeyward({ store, resolveProject, onError: () => {} });
  const owner = ACTORS.owner_a;
  live = [];
  for (let i = 0; i < 4; i++) live.push((await keyward.create(owner, { name: `live ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' })).plaintext);
  projectToken = (await keyward.create(owner, { name: 'project', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '30d' })).plaintext;
  unknown = Array.from({ length: 8 }, () => generateToken('kw'));
  for (const token of [...live, projectToken, ...unknown]) expect(isWellFormed(token)).toBe(true);
  allowedLookups = new Set([...live, projectToken, ...unknown].map(sha256));
});

afterAll(() => keyward.close());

// ---- generators --------------------------------------------------------------------------------

const huge = {
  bearer: `Bearer ${'a'.repeat(ONE_MB)}`,
  raw: 'x'.repeat(ONE_MB),
  spaces: `Bearer${' '.repeat(ONE_MB)}`,
  tokens: () => `Bearer ${Array.from({ length: ONE_MB / 50 }, () => live[0]).join(', Bearer ')}`,
};

/** A live token with 1–3 small edits: almost always a broken checksum. */
function mutated(): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'delete', 'insert', 'case', 'swap'), char: fc.constantFrom(...'0aZ_-.~+/=é\u0000 ') });
  return fc.tuple(fc.constantFrom(...live, projectToken), fc.array(edit, { minLength: 1, maxLength: 3 })).map(([token, edits]) => {
    let t = token;
    for (const { at, kind, char } of edits) {
      const i = at % Math.max(1, t.length);
      if (kind === 'replace') t = t.slice(0, i) + char + t.slice(i + 1);
      else if (kind === 'delete') t = t.slice(0, i) + t.slice(i + 1);
      else if (kind === 'insert') t = t.slice(0, i) + char + t.slice(i);
      else if (kind === 'case') t = t.slice(0, i) + (t[i] === t[i]!.toUpperCase() ? t[i]!.toLowerCase() : t[i]!.toUpperCase()) + t.slice(i + 1);
      else t = t.slice(0, i) + (t[i + 1] ?? '') + (t[i] ?? '') + t.slice(i + 2);
    }
    return t;
  });
}

function tokenish(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...live, projectToken) },
    { weight: 2, arbitrary: fc.constantFrom(...unknown) },
    { weight: 4, arbitrary: mutated() },
    { weight: 1, arbitrary: fc.constantFrom(...live).map((t) => `gh${t.slice(2)}`) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9A-Za-z_=+/.~-]{0,60}$/) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\t', '=', '==', 'kw_', huge.raw) },
  );
}

function scheme(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR', 'BeArEr') },
    { weight: 1, arbitrary: fc.constantFrom('Basic', 'Token', 'Bearer:', 'Bearer,', 'Bearer=', 'Bearerx', 'Bear', 'Bearer\u0000', 'Вearer', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
}

function spaces(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(' ') },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 50 }).map((n) => ' '.repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom('\t', ' \t ', '\u0000', ',', '\u00a0', '\u3000', ' , ') },
  );
}

function credential(): fc.Arbitrary<string> {
  return fc.tuple(scheme(), spaces(), tokenish(), fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: spaces() })).map(([s, sp, t, tail]) => s + sp + t + tail);
}

function authorization(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: credential() },
    // Several credentials, as a client sending the header twice would (joined by ", ").
    { weight: 2, arbitrary: fc.tuple(fc.array(credential(), { minLength: 2, maxLength: 4 }), fc.constantFrom(', ', ',', ' ', ' ,  ')).map(([parts, sep]) => parts.join(sep)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom(huge.bearer, huge.spaces, huge.raw, huge.tokens()) },
  );
}

interface Sample {
  authorization: string | undefined;
  apiKey: string | undefined;
  projectId: string;
}

let sampleArbitrary: fc.Arbitrary<Sample> | undefined;
/** Built on first use: the generators draw from tokens created in beforeAll. */
function samples(): fc.Arbitrary<Sample> {
  sampleArbitrary ??= fc.record({
    authorization: fc.option(authorization(), { nil: undefined, freq: 6 }),
    apiKey: fc.option(fc.oneof(tokenish(), authorization()), { nil: undefined, freq: 2 }),
    projectId: fc.constantFrom('proj_a1', 'proj_a2', 'proj_b1', 'proj_nope'),
  });
  return sampleArbitrary;
}

// ---- the guard, without a framework ------------------------------------------------------------

describe('hostile credentials', () => {
  test(`${RUNS.toLocaleString('en')} generated header pairs through authenticate(): 0 exceptions, 0 5xx, 0 store calls for malformed tokens, passes only for live tokens`, async () => {
    const guard = createGuard<{ projectId: string }>({ keyward, project: (ctx) => ctx.projectId, header: 'x-api-key', onError: () => {} });
    const statuses = new Map<number, number>();
    const stats = { runs: 0, exceptions: 0, lookups: 0, passes: 0, malformedLookups: 0, hugeInputs: 0 };
    await fc.assert(
      fc.asyncProperty(samples(), async (input) => {
        stats.runs++;
        if ((input.authorization?.length ?? 0) > 8192 || (input.apiKey?.length ?? 0) > 8192) stats.hugeInputs++;
        const before = store.lookedUp.length;
        let result;
        try {
          result = await authenticate(guard.keyward, { authorization: input.authorization, apiKey: input.apiKey }, guard.target(input), guard);
        } catch (error) {
          stats.exceptions++;
          throw error;
        }
        const status = result.ok ? 200 : result.response.status;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const lookups = store.lookedUp.slice(before);
        stats.lookups += lookups.length;
        // At most one lookup, and only for a hash of a well-formed token the generators made.
        expect(lookups.length).toBeLessThanOrEqual(1);
        for (const hash of lookups) {
          if (!allowedLookups.has(hash)) stats.malformedLookups++;
          expect(allowedLookups.has(hash)).toBe(true);
        }
        expect([200, 400, 401, 403]).toContain(status);
        if (result.ok) {
          stats.passes++;
          // The token that passed is one of ours, and it was asked for by a lookup.
          const passed = [...live, projectToken].find((t) => sha256(t) === lookups[0]);
          expect(passed).toBeDefined();
          expect(passed === projectToken ? input.projectId === 'proj_a1' : input.projectId.startsWith('proj_a')).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    console.log(
      `[hostile:authenticate] ${stats.runs} runs (${stats.hugeInputs} with a header over 8 KiB, up to 1 MiB): statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `exceptions ${stats.exceptions}; store lookups ${stats.lookups}, of which for malformed tokens ${stats.malformedLookups}; passes ${stats.passes}`,
    );
    expect(stats.runs).toBe(RUNS);
    expect(stats.exceptions).toBe(0);
    expect(stats.malformedLookups).toBe(0);
    // The generators reach every answer, or the run proves less than it claims.
    for (const status of [200, 400, 401, 403]) expect(statuses.get(status) ?? 0).toBeGreaterThan(100);
  }, 180_000);

  test('canonical spellings of a live token always pass: any case of "Bearer", 1–50 spaces, trailing spaces, or the x-api-key header (5 000 runs)', async () => {
    const guard = createGuard<{ projectId: string }>({ keyward, project: (ctx) => ctx.projectId, header: 'x-api-key', onError: () => {} });
    const caseOf = fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }).map((upper) => [...'bearer'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    await fc.assert(
      fc.asyncProperty(caseOf, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...live), fc.boolean(), async (s, before, after, token, viaHeader) => {
        const credentials = viaHeader ? { apiKey: token } : { authorization: `${s}${' '.repeat(before)}${token}${' '.repeat(after)}` };
        const result = await authenticate(guard.keyward, credentials, guard.target({ projectId: 'proj_a2' }), guard);
        expect(result.ok).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  test('store down: 20 000 generated header pairs answer 503 exactly when a well-formed token needed a lookup, and 400/401 without touching the store otherwise', async () => {
    const guard = createGuard<{ projectId: string }>({ keyward, project: (ctx) => ctx.projectId, header: 'x-api-key', onError: () => {} });
    const statuses = new Map<number, number>();
    store.down = true;
    try {
      await fc.assert(
        fc.asyncProperty(samples(), async (input) => {
          const before = store.lookedUp.length;
          const result = await authenticate(guard.keyward, { authorization: input.authorization, apiKey: input.apiKey }, guard.target(input), guard);
          const status = result.ok ? 200 : result.response.status;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const looked = store.lookedUp.length - before;
          expect(result.ok).toBe(false);
          if (looked > 0) {
            expect(status).toBe(503);
            expect(result.ok ? undefined : result.response.headers['retry-after']).toBe('5');
          } else {
            expect([400, 401]).toContain(status);
          }
        }),
        { numRuns: 20_000 },
      );
    } finally {
      store.down = false;
    }
    console.log(`[hostile:store-down] 20000 runs: statuses ${JSON.stringify(Object.fromEntries(statuses))} (503 only where a lookup was attempted)`);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(100);
  }, 60_000);

  test(`${HTTP_RUNS.toLocaleString('en')} generated header pairs over real HTTP to each of Hono and Express: 0 5xx, 0 store calls for malformed tokens; what Node's parser refuses counts as a client error`, async () => {
    const servers = {} as Record<Framework, Listening>;
    for (const framework of FRAMEWORKS) servers[framework] = await serveApp(framework, { keyward, onError: () => {} });
    try {
      const drawn = fc.sample(samples(), { numRuns: HTTP_RUNS, seed: 7 });
      const perSample = {} as Record<Framework, number[]>;
      for (const framework of FRAMEWORKS) {
        const statuses = new Map<number, number>();
        perSample[framework] = [];
        const before = store.lookedUp.length;
        // 8 connections at a time; each request on its own connection, as the raw bytes may break it.
        for (let i = 0; i < drawn.length; i += 8) {
          const batch = drawn.slice(i, i + 8);
          const answers = await Promise.all(batch.map((s) => rawStatus(servers[framework].port, requestBytes(s))));
          for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
          perSample[framework].push(...answers);
        }
        const lookups = store.lookedUp.slice(before);
        const malformed = lookups.filter((hash) => !allowedLookups.has(hash));
        const serverErrors = [...statuses].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0);
        console.log(
          `[hostile:http:${framework}] ${drawn.length} requests: statuses ${JSON.stringify(Object.fromEntries(statuses))} ` +
            `(0 = connection closed by Node's parser without an answer); 5xx ${serverErrors}; store lookups ${lookups.length}, for malformed tokens ${malformed.length}`,
        );
        expect(serverErrors).toBe(0);
        expect(malformed).toEqual([]);
        expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
        expect([...statuses.keys()].every((s) => s === 0 || (s >= 200 && s < 500))).toBe(true);
      }
      // Both middlewares run the same core guard: the same bytes get the same answer.
      const disagreements = drawn.filter((_, i) => perSample.hono[i] !== perSample.express[i]).length;
      console.log(`[hostile:http] Hono and Express disagree on ${disagreements} of ${drawn.length} requests`);
      expect(disagreements).toBe(0);
    } finally {
      for (const framework of FRAMEWORKS) await servers[framework].close();
    }
  }, 120_000);
});

/** A request with the sample's headers as raw bytes: UTF-8, as a client would put Unicode on the wire. */
function requestBytes(s: Sample): Buffer {
  const lines = [`GET /api/projects/${s.projectId} HTTP/1.1`, 'Host: 127.0.0.1'];
  // CR and LF would end the header line: that is HTTP framing, Node's parser's business, not the
  // guard's. They are sent as visible text instead, so every request still reaches the guard or the parser's header checks.
  const value = (v: string) => v.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  if (s.authorization !== undefined) lines.push(`Authorization: ${value(s.authorization)}`);
  if (s.apiKey !== undefined) lines.push(`X-Api-Key: ${value(s.apiKey)}`);
  lines.push('Connection: close', '', '');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

// ---- the management API -----------------------------------------------------------------------

describe('hostile management input', () => {
  let mgmtStore: CountingStore;
  let mgmt: Keyward;
  let ownIds: string[];
  let foreignId: string;

  beforeAll(async () => {
    mgmtStore = countingStore(memoryStore());
    mgmt = createKeyward({ store: mgmtStore, resolveProject, onError: () => {} });
    ownIds = [];
    for (let i = 0; i < 3; i++) ownIds.push((await mgmt.create(ACTORS.owner_a, { name: `mine ${i}`, scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '7d' })).token.id);
    foreignId = (await mgmt.create(ACTORS.owner_b, { name: 'theirs', scope: { kind: 'organization' }, expiresIn: 'never' })).token.id;
  });
  afterAll(() => mgmt.close());

  async function snapshot(): Promise<string> {
    const all: TokenRecord[] = [];
    for (const org of ['org_a', 'org_b']) all.push(...(await mgmtStore.list(org, { limit: 1000 })).items);
    return JSON.stringify(all);
  }

  const PRESETS = ['1d', '7d', '30d', '60d', '90d', 'never'];
  const validName = (v: unknown) => {
    if (typeof v !== 'string') return false;
    const name = v.normalize('NFC').trim();
    return name.length > 0 && [...name].length <= 100 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name);
  };
  const validScope = (v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const s = v as Record<string, unknown>;
    if (s.kind === 'organization') return true;
    return s.kind === 'project' && typeof s.projectId === 'string' && resolveProject(s.projectId.trim())?.organizationId === 'org_a';
  };
  /** The create rules, restated: anything this accepts would be created, so the fuzzer skips it. */
  const validCreate = (b: unknown) =>
    typeof b === 'object' && b !== null && !Array.isArray(b) && validName((b as Record<string, unknown>).name) && validScope((b as Record<string, unknown>).scope) && PRESETS.includes((b as Record<string, unknown>).expiresIn as string);

  const jsonValue = fc.jsonValue({ maxDepth: 3 });
  const badName = fc.oneof(
    jsonValue.filter((v) => typeof v !== 'string'),
    fc.constantFrom('', '   ', '\t\n', 'a'.repeat(101), '😀'.repeat(101), 'bad\u0000name', 'line\nbreak', 'del\u007f', 'c1\u0085', 'a\u2028b'),
    fc.string({ unit: 'binary', maxLength: 120 }),
  ).filter((v) => !validName(v));
  const badScope = fc.oneof(
    jsonValue.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    fc.constantFrom({}, { kind: 'everything' }, { kind: 'project' }, { kind: 'project', projectId: '' }, { kind: 'project', projectId: 'proj_b1' }, { kind: 'project', projectId: 'p'.repeat(201) }, { kind: 'project', projectId: 7 }, { kind: 'ORGANIZATION' }),
    fc.record({ kind: fc.constant('project'), projectId: fc.string({ maxLength: 30 }) }).filter((s) => !validScope(s)),
  );
  const badExpiry = fc.oneof(jsonValue.filter((v) => !PRESETS.includes(v as string)), fc.constantFrom('', '30', '30D', '1w', ' 30d', 'never ', 'Infinity'));

  /** A valid body with one field broken, and the path the answer must name. */
  const nearlyValidCreate = fc.oneof(
    fc.tuple(badName, fc.boolean()).map(([name, drop]) => ({ body: drop ? { scope: { kind: 'organization' }, expiresIn: '30d' } : { name, scope: { kind: 'organization' }, expiresIn: '30d' }, path: 'name' })),
    badScope.map((scope) => ({ body: { name: 'Fuzz', scope, expiresIn: '30d' }, path: 'scope' })),
    badExpiry.map((expiresIn) => ({ body: { name: 'Fuzz', scope: { kind: 'organization' }, expiresIn }, path: 'expiresIn' })),
  );
  const randomCreate = fc.oneof(fc.object({ maxDepth: 3, key: fc.oneof(fc.string(), fc.constantFrom('name', 'scope', 'expiresIn', 'kind', '__proto__', 'constructor')) }), fc.array(jsonValue, { maxLength: 5 })).filter((b) => !validCreate(b)).map((body) => ({ body: body as unknown, path: null }));

  const idString = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('tok_nope', '../../etc', '%00', '\u0000', 'tok_' + 'x'.repeat(190)));
  const validIdList = (ids: unknown) => Array.isArray(ids) && ids.length >= 1 && ids.length <= 1000 && ids.every((id) => typeof id === 'string' && id.trim().length > 0 && id.trim().length <= 200);
  const badBulk = fc.oneof(
    fc.constantFrom({}, { ids: [] }, { ids: null }, { ids: 'tok_1' }, { ids: [''] }, { ids: ['  '] }, { ids: [1, 2] }, { ids: ['x'.repeat(201)] }, { ids: Array.from({ length: 1001 }, (_, i) => `tok_${i}`) }, { ids: [[]] }),
    fc.record({ ids: fc.array(fc.oneof(jsonValue, idString), { minLength: 0, maxLength: 8 }) }).filter((b) => !validIdList(b.ids)),
    fc.object({ maxDepth: 2 }).filter((b) => !validIdList((b as Record<string, unknown>).ids)),
    fc.array(jsonValue, { maxLength: 4 }),
  );
  /** Ids that are all well-shaped, none of them ours (unknown, or another organization's): nothing is deleted. */
  const unknownBulk = fc.tuple(fc.array(idString.filter((s) => s.trim().length > 0 && s.trim().length <= 200), { minLength: 1, maxLength: 6 }), fc.boolean()).map(([ids, withForeign]) => ({
    ids: [...ids, ...(withForeign ? [foreignId] : [])],
  }));

  interface Answer {
    status: number;
    body: { code?: string; errors?: Array<{ path: unknown }>; ids?: unknown; deleted?: unknown; notFound?: unknown } | undefined;
  }

  function checkCreate(answer: Answer, expectedPath: string | null, body: unknown): void {
    expect(answer.status, JSON.stringify(body)).toBe(400);
    expect(answer.body?.code).toBe('VALIDATION_FAILED');
    const paths = (answer.body?.errors ?? []).map((e) => e.path);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(typeof path).toBe('string');
    if (expectedPath !== null) {
      // The broken field is named: `name`, `scope` or `scope.kind`/`scope.projectId`, `expiresIn`.
      expect(paths.some((p) => p === expectedPath || (p as string).startsWith(`${expectedPath}.`)), `${JSON.stringify(paths)} for ${JSON.stringify(body)}`).toBe(true);
    } else if (!Array.isArray(body)) {
      for (const path of paths) expect(['name', 'scope', 'expiresIn'], JSON.stringify(body)).toContain((path as string).split('.')[0]);
    } else {
      // The body itself is not an object: the problem is at the root, whose path is empty.
      expect(paths).toEqual(['']);
    }
  }

  function checkBulk(answer: Answer, body: unknown, known: boolean): void {
    if (known) {
      // Well-shaped ids, none of them ours: 200, nothing deleted, another organization's token
      // reported not found like an unknown one.
      expect(answer.status, JSON.stringify(body)).toBe(200);
      expect(answer.body?.deleted).toBe(0);
      const notFound = answer.body?.notFound as string[];
      expect(notFound.length).toBeGreaterThan(0);
      if ((body as { ids: string[] }).ids.includes(foreignId)) expect(notFound).toContain(foreignId);
      return;
    }
    expect(answer.status, JSON.stringify(body)).toBe(400);
    expect(answer.body?.code).toBe('VALIDATION_FAILED');
    const paths = (answer.body?.errors ?? []).map((e) => e.path as string);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path === 'ids' || /^ids\.\d+$/.test(path), `${JSON.stringify(paths)} for ${JSON.stringify(body)}`).toBe(true);
  }

  test('5 000 random and nearly-valid bodies each for POST /tokens and POST /tokens/bulk-delete through the core handlers: 400 naming the field (or 200 deleting nothing for unknown ids), store unchanged, 0 inserts', async () => {
    const before = await snapshot();
    const inserts = mgmtStore.calls.insert;
    const deletes = mgmtStore.calls.deleteMany;
    let created = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(nearlyValidCreate, randomCreate), async ({ body, path }) => {
        const answer = await handleCreateToken(mgmt, { actor: ACTORS.owner_a, body });
        if (answer.status === 201) created++;
        checkCreate(answer as Answer, path, body);
      }),
      { numRuns: 5_000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(badBulk.map((b) => ({ body: b as unknown, known: false })), unknownBulk.map((b) => ({ body: b as unknown, known: true }))), async ({ body, known }) => {
        const answer = await handleBulkDeleteTokens(mgmt, { actor: ACTORS.owner_a, body });
        checkBulk(answer as Answer, body, known);
      }),
      { numRuns: 5_000 },
    );
    const after = await snapshot();
    console.log(
      `[hostile:management] 10000 bodies: created ${created}, store inserts ${mgmtStore.calls.insert - inserts}, deleteMany calls ${mgmtStore.calls.deleteMany - deletes} (none deleting), store unchanged: ${after === before}`,
    );
    expect(after).toBe(before);
    expect(mgmtStore.calls.insert - inserts).toBe(0);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 120_000);

  test('300 bodies per route over real HTTP to each of Hono and Express, plus random query strings and ids: 400 with field paths (404 for unknown ids, 200 deleting nothing in bulk), 0 5xx, store unchanged', async () => {
    const servers = {} as Record<Framework, Listening>;
    for (const framework of FRAMEWORKS) servers[framework] = await serveApp(framework, { keyward: mgmt, onError: () => {} });
    const before = await snapshot();
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
    try {
      for (const framework of FRAMEWORKS) {
        const port = servers[framework].port;
        for (const { body, path } of fc.sample(fc.oneof(nearlyValidCreate, randomCreate), { numRuns: 300, seed: 11 })) {
          const answer = await call(port, 'POST', '/settings/tokens', { headers: as('owner_a'), body });
          count(answer.status);
          checkCreate({ status: answer.status, body: answer.json }, path, body);
        }
        for (const { body, known } of fc.sample(fc.oneof(badBulk.map((b) => ({ body: b as unknown, known: false })), unknownBulk.map((b) => ({ body: b as unknown, known: true }))), { numRuns: 300, seed: 13 })) {
          const answer = await call(port, 'POST', '/settings/tokens/bulk-delete', { headers: as('owner_a'), body });
          count(answer.status);
          checkBulk({ status: answer.status, body: answer.json }, body, known);
        }
        for (const [limit, cursor, expiresIn, id] of fc.sample(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 8 }), fc.string({ minLength: 1, maxLength: 40 })), { numRuns: 100, seed: 17 })) {
          const list = await call(port, 'GET', `/settings/tokens?limit=${encodeURIComponent(limit)}&cursor=${encodeURIComponent(cursor)}`, { headers: as('owner_a') });
          count(list.status);
          expect([200, 400]).toContain(list.status);
          if (list.status === 400) for (const e of list.json.errors) expect(['limit', 'cursor']).toContain(e.path);
          const preview = await call(port, 'GET', `/settings/tokens/expiration-preview?expiresIn=${encodeURIComponent(expiresIn)}`, { headers: as('owner_a') });
          count(preview.status);
          expect(preview.status).toBe(PRESETS.includes(expiresIn) ? 200 : 400);
          if (preview.status === 400) expect(preview.json.errors.map((e: { path: string }) => e.path)).toEqual(['expiresIn']);
          const del = await call(port, 'DELETE', `/settings/tokens/${encodeURIComponent(id)}`, { headers: as('owner_a') });
          count(del.status);
          expect([400, 404]).toContain(del.status);
        }
        // Another organization's id: "not found", exactly like an id that never existed.
        expect((await call(port, 'DELETE', `/settings/tokens/${foreignId}`, { headers: as('owner_a') })).status).toBe(404);
        expect((await call(port, 'POST', '/settings/tokens', { headers: as('owner_a'), body: { __proto__: { isAdmin: true }, constructor: { prototype: { isAdmin: true } } } })).status).toBe(400);
      }
    } finally {
      for (const framework of FRAMEWORKS) await servers[framework].close();
    }
    const after = await snapshot();
    console.log(`[hostile:management:http] statuses ${JSON.stringify(Object.fromEntries(statuses))}; store unchanged: ${after === before}`);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(after).toBe(before);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 120_000);
});
