import { ConfigurationError, type TokenInfo } from '@keyward/core';
import { requireToken, tokensApp, type ApiTokenEnv } from '@keyward/hono';
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { ACTORS, testKeyward } from '@keyward/test-kit/http';

describe('hono types and construction', () => {
  test("c.get('apiToken') and c.var.apiToken are TokenInfo after requireToken, without casts", async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const app = new Hono();
    app.get('/projects/:projectId', requireToken({ keyward, project: (c) => c.req.param('projectId') }), (c) => {
      expectTypeOf(c.get('apiToken')).toEqualTypeOf<TokenInfo>();
      expectTypeOf(c.var.apiToken).toEqualTypeOf<TokenInfo>();
      return c.json({ name: c.get('apiToken').name, id: c.var.apiToken.id });
    });
    // app.request runs the handler in-process: the typed value is also the right one at runtime.
    const response = await app.request('/projects/proj_a1', { headers: { authorization: `Bearer ${plaintext}` } });
    expect(await response.json()).toEqual({ name: 't', id: token.id });
    await keyward.close();
  });

  test("an unguarded route cannot read c.get('apiToken'): no global ContextVariableMap augmentation", () => {
    const app = new Hono();
    app.get('/open', (c) => {
      // @ts-expect-error no requireToken() ran on this route, so there is no apiToken variable
      const token: TokenInfo = c.get('apiToken');
      // @ts-expect-error the same through c.var
      const viaVar: TokenInfo = c.var.apiToken;
      return c.json({ token, viaVar });
    });
    // A guarded route with its own app-level Env still sees it, merged with the host's variables.
    const typed = new Hono<{ Variables: { requestId: string } }>();
    typed.get('/guarded', requireToken({ keyward: testKeyward() }), (c) => {
      expectTypeOf(c.get('apiToken')).toEqualTypeOf<TokenInfo>();
      expectTypeOf(c.get('requestId')).toEqualTypeOf<string>();
      return c.text('ok');
    });
  });

  test('requireToken returns a middleware declaring the apiToken variable', () => {
    expectTypeOf(requireToken).returns.toEqualTypeOf<MiddlewareHandler<ApiTokenEnv>>();
    // @ts-expect-error project reads the id from the context; a bare parameter name is not accepted
    expect(() => requireToken({ keyward: testKeyward(), project: 'projectId' })).toThrow(ConfigurationError);
  });

  test('requireToken is a named function, built once', () => {
    expect(requireToken({ keyward: testKeyward() }).name).toBe('requireToken');
  });

  test.each([
    { label: 'no keyward', options: { keyward: undefined } },
    { label: 'project and organizationLevel together', options: { project: () => 'p', organizationLevel: true } },
    { label: 'a header name with a space', options: { header: 'x api key' } },
    { label: 'authorization as the extra header', options: { header: 'Authorization' } },
    { label: 'a realm with a quote', options: { realm: 'a"b' } },
  ])('requireToken with $label throws ConfigurationError at construction', ({ options }) => {
    expect(() => requireToken({ keyward: testKeyward(), ...options } as never)).toThrow(ConfigurationError);
  });

  test('tokensApp checks its options at construction', () => {
    expect(() => tokensApp({ keyward: testKeyward(), getActor: undefined as never })).toThrow(ConfigurationError);
    expect(() => tokensApp({ keyward: undefined as never, getActor: () => null })).toThrow(/tokensApp\(options\): keyward/);
  });

  test("tokensApp's getActor receives the host's typed context", () => {
    type HostEnv = { Variables: { userRole: 'admin' | 'member' } };
    tokensApp<HostEnv>({
      keyward: testKeyward(),
      getActor: (c) => {
        expectTypeOf(c.get('userRole')).toEqualTypeOf<'admin' | 'member'>();
        return null;
      },
    });
  });
});
