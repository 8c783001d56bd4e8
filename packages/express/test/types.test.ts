import { ConfigurationError, type TokenInfo } from '@keyward/core';
import { getApiToken, requireToken, tokensRouter } from '@keyward/express';
import express, { type Request } from 'express';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { ACTORS, listen, testKeyward } from '@keyward/test-kit/http';
import { createServer } from 'node:http';

describe('express types and construction', () => {
  test('req.apiToken is typed on every Request; getApiToken(req) gives it non-optional, without casts', async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const app = express();
    app.get('/projects/:projectId', requireToken({ keyward, project: (req) => req.params.projectId }), (req, res) => {
      expectTypeOf(req.apiToken).toEqualTypeOf<TokenInfo | undefined>();
      expectTypeOf(getApiToken(req)).toEqualTypeOf<TokenInfo>();
      res.json({ name: getApiToken(req).name, id: req.apiToken?.id });
    });
    const server = await listen(createServer(app));
    try {
      const response = await fetch(`${server.url}/projects/proj_a1`, { headers: { authorization: `Bearer ${plaintext}` } });
      expect(await response.json()).toEqual({ name: 't', id: token.id });
    } finally {
      await server.close();
      await keyward.close();
    }
  });

  test('req.apiToken is possibly undefined: reading it without a check does not compile', () => {
    const app = express();
    app.get('/open', (req, res) => {
      // @ts-expect-error req.apiToken may be undefined: no requireToken() is known to have run
      res.json({ name: req.apiToken.name });
    });
    expectTypeOf<Request['apiToken']>().toEqualTypeOf<TokenInfo | undefined>();
  });

  test('getApiToken throws on a route without requireToken (a wiring bug, not a client error)', () => {
    expect(() => getApiToken({} as Request)).toThrow(/mount requireToken\(\) before this handler/);
  });

  test('requireToken is a named function, built once', () => {
    expect(requireToken({ keyward: testKeyward() }).name).toBe('requireToken');
  });

  test.each([
    { label: 'no keyward', options: { keyward: undefined } },
    { label: 'a project that is not a function', options: { project: 'projectId' } },
    { label: 'organizationLevel that is not a boolean', options: { organizationLevel: 'yes' } },
    { label: 'a header name with a colon', options: { header: 'x-api-key:' } },
    { label: 'a realm with a newline', options: { realm: 'a\nb' } },
  ])('requireToken with $label throws ConfigurationError at construction', ({ options }) => {
    expect(() => requireToken({ keyward: testKeyward(), ...options } as never)).toThrow(ConfigurationError);
  });

  test('tokensRouter checks its options at construction', () => {
    expect(() => tokensRouter({ keyward: testKeyward(), getActor: 'nope' as never })).toThrow(/tokensRouter\(options\): getActor/);
  });
});
