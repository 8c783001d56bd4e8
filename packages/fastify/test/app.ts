// The Fastify side of the shared suites: guard routes and management API, registered as a host would.
import { requireToken, tokensPlugin } from '@keyward/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { guardOptionsFor, ACTOR_HEADER, GUARD_ROUTES, testActor, type StartServer, type TestAppSetup } from '@keyward/test-kit/http';

export async function buildApp(setup: TestAppSetup): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(tokensPlugin, {
    prefix: '/settings',
    keyward: setup.keyward,
    onError: setup.onError,
    getActor: (request) => testActor(setup, request.headers[ACTOR_HEADER] as string | undefined),
  });
  for (const spec of GUARD_ROUTES) {
    const onRequest = requireToken(guardOptionsFor(spec, setup, (name) => (request) => (request.params as Record<string, string | undefined>)[name]));
    app.get(spec.path, { onRequest }, async (request) => ({ tokenId: request.apiToken?.id }));
  }
  return app;
}

/** fastify.listen on port 0, over real HTTP. */
export const startFastify: StartServer = async (setup) => {
  const app = await buildApp(setup);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
};
