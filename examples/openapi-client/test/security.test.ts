// How clients authenticate to the management API is the host's to say (its session cookie, a
// bearer token…): declared once as `openApi: { securitySchemes }`, it is in the document every
// adapter serves and on every operation, and Redocly's recommended rules pass on it. Redocly runs
// from the workspace's own install with telemetry, update checks and any network off.
import { serve, type ServerType } from '@hono/node-server';
import { ConfigurationError, createKeyward, memoryStore } from '@keyward/core';
import { createOpenApiDocument, type OpenApiSecurityScheme } from '@keyward/core/http';
import { tokensRouter } from '@keyward/express';
import { tokensPlugin } from '@keyward/fastify';
import { createFetchManagement } from '@keyward/fetch';
import { tokensApp } from '@keyward/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

const SESSION: Record<string, OpenApiSecurityScheme> = { session: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'The app\'s session cookie.' } };
const BEARER: Record<string, OpenApiSecurityScheme> = { bearer: { type: 'http', scheme: 'bearer' }, session: SESSION.session! };

type Operation = { security?: Record<string, string[]>[] };
const operations = (document: ReturnType<typeof createOpenApiDocument>) => Object.values(document.paths).flatMap((item) => Object.values(item) as Operation[]);

describe('securitySchemes', () => {
  test('are declared in components and required by every operation, any one of them', () => {
    const document = createOpenApiDocument({ securitySchemes: BEARER });
    expect((document.components as { securitySchemes: unknown }).securitySchemes).toEqual(BEARER);
    expect(operations(document).length).toBeGreaterThan(0);
    expect(operations(document).filter((operation) => JSON.stringify(operation.security) !== JSON.stringify([{ bearer: [] }, { session: [] }]))).toEqual([]);
  });

  test('without any, the document declares none (keyward cannot know the host\'s session)', () => {
    const document = createOpenApiDocument();
    expect((document.components as { securitySchemes?: unknown }).securitySchemes).toBeUndefined();
    expect(operations(document).filter((operation) => operation.security !== undefined)).toEqual([]);
  });

  test.each([
    [{}, 'securitySchemes must name at least one scheme'],
    [{ 'a b': SESSION.session }, '"a b" is not a component name'],
    [{ session: { type: 'cookie' } }, 'securitySchemes.session.type must be one of apiKey, http, oauth2, openIdConnect, mutualTLS'],
    [{ session: { type: 'apiKey', in: 'cookie' } }, 'securitySchemes.session.name is required for type "apiKey"'],
    [{ session: { type: 'apiKey', in: 'body', name: 'x' } }, 'securitySchemes.session.in must be header, query or cookie'],
    [{ bearer: { type: 'http' } }, 'securitySchemes.bearer.scheme is required for type "http"'],
  ])('a bad declaration %j is refused at construction, naming the field', (securitySchemes, message) => {
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });
    expect(() => createOpenApiDocument({ securitySchemes } as never)).toThrow(ConfigurationError);
    expect(() => createOpenApiDocument({ securitySchemes } as never)).toThrow(message);
    expect(() => tokensRouter({ keyward, getActor: () => null, openApi: { securitySchemes } as never })).toThrow(`tokensRouter(options): openApi: ${message}`);
  });
});

// ── Every adapter serves the host's declaration at …/tokens/openapi.json.

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ADAPTERS: Record<string, () => Promise<string>> = {
  express: () => {
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });
    const app = express();
    app.use('/settings', tokensRouter({ keyward, getActor: () => null, openApi: { securitySchemes: SESSION } }));
    return listen(createServer(app));
  },
  hono: async () => {
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });
    const app = new Hono();
    app.route('/settings', tokensApp({ keyward, getActor: () => null, openApi: { securitySchemes: SESSION } }));
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    servers.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  },
  fastify: async () => {
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });
    const app = Fastify();
    await app.register(tokensPlugin, { prefix: '/settings', keyward, getActor: () => null, openApi: { securitySchemes: SESSION } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push({ close: () => app.close() });
    return url;
  },
  fetch: () => {
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });
    const handle = createFetchManagement({ keyward, basePath: '/settings', getActor: () => null, openApi: { securitySchemes: SESSION } });
    return listen(
      createServer(async (req, res) => {
        const response = await handle(new Request(`http://127.0.0.1${req.url}`, { method: req.method }));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      }),
    );
  },
};

test.each(Object.keys(ADAPTERS))('%s serves the host\'s securitySchemes on every operation', async (name) => {
  const origin = await ADAPTERS[name]!();
  const response = await fetch(`${origin}/settings/tokens/openapi.json`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(createOpenApiDocument({ basePath: '/settings', securitySchemes: SESSION }));
});

// ── Redocly CLI's recommended rules.

const REDOCLY = fileURLToPath(new URL('../node_modules/.bin/redocly', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'keyward-redocly-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface LintResult {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string }[];
}

async function lint(document: object, rules: Record<string, string> = {}): Promise<LintResult> {
  const file = join(work, `openapi-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const config = join(work, `redocly-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, `extends:\n  - recommended\nrules:\n${Object.entries(rules).map(([rule, level]) => `  ${rule}: ${level}\n`).join('') || '  {}\n'}`);
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    // Any request it tried would go to a closed port and fail: the result cannot depend on the network.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
  };
  const { stdout } = await promisify(execFile)(REDOCLY, ['lint', file, '--config', config, '--format=json'], { env, timeout: 60_000 }).catch((error: { stdout: string }) => error);
  return JSON.parse(stdout) as LintResult;
}

const summary = (result: LintResult) => result.problems.map((problem) => `${problem.ruleId}: ${problem.message}`);

describe('redocly lint, recommended rules', { timeout: 60_000 }, () => {
  test.each([
    ['a session cookie', SESSION],
    ['a bearer token or a session cookie', BEARER],
  ])('the document with %s declared has no problem at all', async (_label, securitySchemes) => {
    const result = await lint(createOpenApiDocument({ basePath: '/settings', securitySchemes }));
    expect(summary(result)).toEqual([]);
  });

  test('without a declaration only security-defined complains, once per operation: the host must declare its own', async () => {
    const document = createOpenApiDocument();
    const result = await lint(document);
    expect(new Set(result.problems.map((problem) => problem.ruleId))).toEqual(new Set(['security-defined']));
    expect(result.problems).toHaveLength(operations(document).length);
    expect(summary(await lint(document, { 'security-defined': 'off' }))).toEqual([]);
  });
});
