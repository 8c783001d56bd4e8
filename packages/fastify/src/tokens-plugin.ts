import { OPENAPI_PATH, createManagementApi, nodeManagementHeaders, type ManagementApiOptions, type ManagementHeaders } from '@keyward/core/http';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bodyErrorResponse, useJsonBodies } from './body.js';
import { send } from './send.js';

/**
 * Options of `tokensPlugin`: `getActor(request)` returns the signed-in actor from the host's
 * session, or null. `prefix` is where the routes go, e.g. `/settings`.
 */
export interface TokensPluginOptions extends ManagementApiOptions<FastifyRequest> {
  prefix?: string | undefined;
}

function headersOf(request: FastifyRequest): ManagementHeaders {
  return nodeManagementHeaders(request.raw, request.host);
}

const tokensPluginImpl: FastifyPluginAsync<TokensPluginOptions> = async (fastify: FastifyInstance, options: TokensPluginOptions) => {
  const api = createManagementApi<FastifyRequest>(options, 'tokensPlugin');
  // Decorated once at the root (the plugin is not encapsulated), so every request has the same shape.
  if (!fastify.hasRequestDecorator('apiToken')) fastify.decorateRequest('apiToken', undefined);
  // The routes live in their own scope: their body parsers and error handler do not leak into the host's app.
  await fastify.register(
    async (scope) => {
      useJsonBodies(scope);
      scope.setErrorHandler((error, _request, reply) => {
        const response = bodyErrorResponse(error);
        if (response === undefined) throw error;
        return send(reply, response);
      });
      // The API's own description, as Hono and Express serve it: no actor needed, it holds no data.
      scope.get(OPENAPI_PATH, async (request, reply) => send(reply, api.openApi(request.url.split('?')[0]!.slice(0, -OPENAPI_PATH.length))));
      for (const route of api.routes) {
        scope.route({
          method: route.method,
          url: route.path,
          // A change from another site, or one a form could send, is refused before its body is read.
          ...(route.method === 'GET'
            ? {}
            : {
                onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
                  const refused = api.admit(route, headersOf(request));
                  if (refused !== undefined) return send(reply, refused);
                },
              }),
          handler: async (request, reply) => {
            const body: unknown = route.body ? request.body : undefined;
            const query = request.query as Record<string, unknown>;
            const params = request.params as Record<string, unknown>;
            return send(reply, await api.handle(route, request, { body, query, params, headers: headersOf(request), client: { ip: request.ip, userAgent: request.headers['user-agent'] } }));
          },
        });
      }
    },
    { prefix: options.prefix ?? '' },
  );
};

/**
 * The token management API as a Fastify plugin: `GET/POST /tokens`, `GET /tokens/expiration-preview`,
 * `GET /tokens/permissions`, `GET/PATCH/DELETE /tokens/:id`, `POST /tokens/:id/roll`, `POST /tokens/bulk-delete`, `GET /tokens/audit`, `GET /tokens/usage`, `GET /tokens/:id/usage` and `GET /tokens/openapi.json`, under `prefix`. Bodies are read by Fastify
 * (at most 128 KiB) and judged by core, so the answers match `@keyward/express` and `@keyward/hono`.
 * It also declares `request.apiToken` for `requireToken()`. Options are checked at registration.
 * @example
 * await app.register(tokensPlugin, { prefix: '/settings', keyward, getActor: (request) => request.session?.actor ?? null });
 */
export const tokensPlugin = fp(tokensPluginImpl, { fastify: '5.x', name: '@keyward/fastify' });
