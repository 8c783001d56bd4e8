// The Fastify side of the shared suites: guard routes and management API, registered as a host would.
import { requireToken, tokensPlugin } from '@keyward/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { guardOptionsFor, ACTOR_HEADER, GUARD_ROUTES, ORG_SETTINGS_PATH, orgActor, testActor, type StartServer, type TestAppSetup } from '@keyward/test-kit/http';

export async function buildApp(setup: TestAppSetup): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(tokensPlugin, {
    ...setup.management,
    prefix: '/settings',
    keyward: setup.keyward,
    onError: setup.onError,
    getActor: (request) => testActor(setup, request.headers[ACTOR_HEADER] as string | undefined),
  });
  await app.register(tokensPlugin, {
    prefix: ORG_SETTINGS_PATH,
    keyward: setup.keyward,
    onError: setup.onError,
    getActor: (request) => orgActor(request.headers[ACTOR_HEADER] as string | undefined, (request.params as { orgId?: string }).orgId),
  });
  for (const spec of GUARD_ROUTES) {
    const onRequest = requireToken(guardOptionsFor(spec, setup, (name) => (request) => (request.params as Record<string, string | undefined>)[name], (name) => (request) => request.headers[name] as string | undefined));
    app.get(spec.path, { onRequest }, async (request) => ({ tokenId: request.apiToken?.id, permissions: request.apiToken?.permissions }));
  }
  return app;
}

/** fastify.listen on port 0, over real HTTP. */
export const startFastify: StartServer = async (setup) => {
  const app = await buildApp(setup);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    // Over HTTP, as Fastify apps are deployed.
    request: (input, init) => {
      if (typeof input === 'string') return fetch(url + input, init);
      const { pathname, search } = new URL(input.url);
      return fetch(url + pathname + search, { method: input.method, headers: input.headers, body: input.body, duplex: 'half', ...init } as RequestInit);
    },
    close: () => app.close(),
  };
};
