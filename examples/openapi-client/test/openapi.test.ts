// The management API's OpenAPI 3.1 document: generated from core's zod schemas, committed in
// docs/openapi.json, valid for a real validator, served by the Hono and Express adapters, and
// good enough to generate a client that works against a live server.
import SwaggerParser from '@apidevtools/swagger-parser';
import { serve, type ServerType } from '@hono/node-server';
import { createKeyward, memoryStore, type Actor, type Keyward } from '@keyward/core';
import { MANAGEMENT_PROBLEM_CODES, MANAGEMENT_ROUTES, createOpenApiDocument } from '@keyward/core/http';
import { tokensRouter } from '@keyward/express';
import { tokensApp } from '@keyward/hono';
import express from 'express';
import { Hono } from 'hono';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tokensClient } from '../src/client.js';
import { DOCUMENT_FILE, TYPES_FILE, documentText, typesText } from '../src/generate.js';

const ADMIN: Actor = { userId: 'user_1', organizationId: 'org_1', role: 'admin' };
const MEMBER: Actor = { userId: 'user_2', organizationId: 'org_1', role: 'member' };
// The signed-in user comes from a header here, standing in for the host's session.
const actorOf = (header: string | undefined) => (header === 'member' ? MEMBER : header === 'admin' ? ADMIN : null);

describe('docs/openapi.json', () => {
  test('is the document core generates now (UPDATE_OPENAPI=1 rewrites it and the client types)', async () => {
    if (process.env.UPDATE_OPENAPI) {
      writeFileSync(DOCUMENT_FILE, documentText());
      writeFileSync(TYPES_FILE, await typesText(documentText()));
    }
    expect(readFileSync(DOCUMENT_FILE, 'utf8')).toBe(documentText());
  });

  test('is valid OpenAPI 3.1 for @apidevtools/swagger-parser, every $ref resolving', async () => {
    const document = JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8'));
    const validated = (await SwaggerParser.validate(structuredClone(document))) as { openapi: string; paths: object };
    expect(validated.openapi).toBe('3.1.0');
    const dereferenced = (await SwaggerParser.dereference(structuredClone(document))) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>> };
    expect(Object.keys(dereferenced.paths['/tokens']!.post!.requestBody!.content['application/json']!.schema.properties)).toEqual(['name', 'scope', 'expiresIn', 'permissions', 'metadata', 'rateLimit', 'remaining', 'refill']);
  });

  test('describes exactly the routes the adapters mount', () => {
    const document = createOpenApiDocument();
    const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    const mounted = MANAGEMENT_ROUTES.map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(described.sort()).toEqual(mounted.sort());
  });

  test('request schemas come from the zod schemas: limits and presets as the service checks them', () => {
    const { components } = createOpenApiDocument() as unknown as { components: { schemas: Record<string, { enum?: string[]; properties?: Record<string, { maxItems?: number }> }> } };
    expect(components.schemas.ExpiryPreset!.enum).toEqual(['1d', '7d', '30d', '60d', '90d', 'never']);
    expect(components.schemas.BulkDeleteInput!.properties!.ids!.maxItems).toBe(1000);
  });

  test('Problem.code is the enum of the codes the API answers with, and every code a response names is in it', () => {
    const { components } = createOpenApiDocument() as unknown as {
      components: { schemas: { Problem: { properties: { code: { enum: string[] } } } }; responses: Record<string, { description: string }> };
    };
    const codes = components.schemas.Problem.properties.code.enum;
    expect(codes).toEqual([...MANAGEMENT_PROBLEM_CODES]);
    const named = Object.values(components.responses).flatMap((response) => [...response.description.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((code) => !codes.includes(code))).toEqual([]);
  });

  test('a field name has one format across the API (expiresAt is epoch ms wherever it appears)', () => {
    // A client that parses `expiresAt` once must be right for every answer that carries it.
    type Schema = { type?: string | string[]; format?: string; properties?: Record<string, Schema>; items?: Schema; $ref?: string; anyOf?: Schema[]; oneOf?: Schema[] };
    const { components } = createOpenApiDocument() as unknown as { components: { schemas: Record<string, Schema> } };
    const formats = new Map<string, Set<string>>();
    const formatOf = (schema: Schema): string => {
      if (schema.$ref) return formatOf(components.schemas[schema.$ref.split('/').pop()!]!);
      const variants = schema.anyOf ?? schema.oneOf;
      if (variants) return variants.map(formatOf).filter((f) => f !== '').sort().join('|');
      const types = [schema.type ?? 'any'].flat().filter((t) => t !== 'null');
      return `${types.sort().join('|')}${schema.format ? `:${schema.format}` : ''}`;
    };
    const walk = (schema: Schema): void => {
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        formats.set(name, (formats.get(name) ?? new Set()).add(formatOf(property)));
        walk(property);
      }
      if (schema.items) walk(schema.items);
      for (const variant of schema.anyOf ?? schema.oneOf ?? []) walk(variant);
    };
    // Problem's fields (`status`: the HTTP status…) are RFC 9457's, not the API's own.
    for (const [id, schema] of Object.entries(components.schemas)) if (id !== 'Problem') walk(schema);
    expect(formats.get('expiresAt')).toEqual(new Set(['integer']));
    const mixed = [...formats].filter(([, seen]) => seen.size > 1).map(([name, seen]) => `${name}: ${[...seen].join(', ')}`);
    expect(mixed).toEqual([]);
  });

  test('src/schema.d.ts is what openapi-typescript generates from it', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await typesText(readFileSync(DOCUMENT_FILE, 'utf8')));
  });

  test('basePath sets servers, and must be a path', () => {
    expect(createOpenApiDocument({ basePath: '/settings' }).servers).toEqual([{ url: '/settings' }]);
    expect(() => createOpenApiDocument({ basePath: 'settings' })).toThrow(/basePath/);
  });
});

// ── Live servers: one Hono app and one Express app, each mounting the management API at /settings.

let keyward: Keyward;
const servers: { name: string; origin: string; close(): Promise<void> }[] = [];

beforeAll(async () => {
  keyward = createKeyward({ store: memoryStore(), resolveProject: (id) => (id === 'proj_1' ? { id, organizationId: 'org_1', name: 'Website' } : null) });

  const hono = new Hono();
  hono.route('/settings', tokensApp({ keyward, getActor: (c) => actorOf(c.req.header('x-user')) }));
  const honoServer = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  servers.push({ name: 'hono', origin: `http://127.0.0.1:${(honoServer.address() as AddressInfo).port}`, close: () => new Promise((r) => honoServer.close(() => r())) });

  const app = express();
  app.use('/settings', tokensRouter({ keyward, getActor: (req) => actorOf(req.header('x-user')) }));
  const expressServer = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push({ name: 'express', origin: `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`, close: () => new Promise((r) => expressServer.close(() => r())) });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await keyward?.close();
});

describe.each(['hono', 'express'])('%s', (name) => {
  const origin = () => servers.find((s) => s.name === name)!.origin;

  test('serves the document at /settings/tokens/openapi.json, with servers set to the mount, without a signed-in user', async () => {
    const response = await fetch(`${origin()}/settings/tokens/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(createOpenApiDocument({ basePath: '/settings' }));
  });

  test('the generated client: create → list → preview → delete → bulk delete, and the documented errors', async () => {
    const api = tokensClient(`${origin()}/settings`, { 'x-user': 'admin' });
    const tokenName = `Generated client on ${name}`;

    const created = await api.POST('/tokens', { body: { name: tokenName, scope: { kind: 'project', projectId: 'proj_1' }, expiresIn: '7d' } });
    expect(created.response.status).toBe(201);
    expect(created.data!.plaintext).toMatch(/^kw_[0-9A-Za-z]{36}$/);
    const id = created.data!.token.id;
    expect((await keyward.verify(created.data!.plaintext, { projectId: 'proj_1' })).ok).toBe(true);

    const listed = await api.GET('/tokens', { params: { query: { limit: 100 } } });
    expect(listed.response.status).toBe(200);
    const row = listed.data!.items.find((item) => item.id === id)!;
    expect(row).toMatchObject({ name: tokenName, status: 'active', scopeLabel: 'Website', scope: { kind: 'project', projectId: 'proj_1' } });

    const preview = await api.GET('/tokens/expiration-preview', { params: { query: { expiresIn: 'never' } } });
    expect(preview.data).toEqual({ expiresIn: 'never', expiresAt: null });

    const taken = await api.POST('/tokens', { body: { name: tokenName.toUpperCase(), scope: { kind: 'organization' }, expiresIn: '1d' } });
    expect(taken.response.status).toBe(409);
    expect(taken.error).toMatchObject({ code: 'NAME_TAKEN' });

    const deleted = await api.DELETE('/tokens/{id}', { params: { path: { id } } });
    expect(deleted.response.status).toBe(204);
    expect((await keyward.verify(created.data!.plaintext)).ok).toBe(false);
    const gone = await api.GET('/tokens/{id}', { params: { path: { id } } });
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ code: 'TOKEN_NOT_FOUND', ids: [id] });

    const two = await Promise.all(['a', 'b'].map((suffix) => api.POST('/tokens', { body: { name: `${tokenName} ${suffix}`, scope: { kind: 'organization' }, expiresIn: '30d' } })));
    // The token deleted above is already gone: the other two are deleted all the same.
    const bulk = await api.POST('/tokens/bulk-delete', { body: { ids: [...two.map((r) => r.data!.token.id), id] } });
    expect(bulk.data).toEqual({ deleted: 2, notFound: [id] });

    const member = await tokensClient(`${origin()}/settings`, { 'x-user': 'member' }).GET('/tokens', {});
    expect(member.response.status).toBe(403);
    expect(member.error).toMatchObject({ code: 'FORBIDDEN' });
  });
});
