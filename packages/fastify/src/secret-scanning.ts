import { createSecretScanningEndpoint, GITHUB_KEY_ID_HEADER, GITHUB_SIGNATURE_HEADER, type SecretScanningOptions } from '@keyward/core/http';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { send } from './send.js';

/** Options of `secretScanningPlugin`: the endpoint's options, and `prefix`, the route's path (e.g. `/github/secret-scanning`). */
export interface SecretScanningPluginOptions extends SecretScanningOptions {
  prefix?: string | undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const secretScanningImpl: FastifyPluginAsync<SecretScanningPluginOptions> = async (fastify, options) => {
  const endpoint = createSecretScanningEndpoint(options, 'secretScanningPlugin');
  // Its own scope: the raw-bytes parser and the error handler do not reach the host's routes.
  await fastify.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      // The signature covers the bytes as sent: read them as they are, whatever the Content-Type.
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: endpoint.maxBodyBytes }, (_request, body, done) => done(null, body));
      scope.setErrorHandler((error, _request, reply) => {
        if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, endpoint.tooLarge);
        throw error;
      });
      scope.post('/', async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : new Uint8Array(0);
        return send(reply, await endpoint.handle({ keyId: header(request.headers[GITHUB_KEY_ID_HEADER]), signature: header(request.headers[GITHUB_SIGNATURE_HEADER]), body }));
      });
    },
    { prefix: options.prefix ?? '' },
  );
};

/**
 * The endpoint GitHub's secret scanning partner program posts leaked tokens to, as a Fastify plugin
 * answering `POST <prefix>`. Not behind the host's session: GitHub's ECDSA signature over the raw
 * body is its authentication. See docs/security.md ("Leaked tokens").
 * @example
 * await app.register(secretScanningPlugin, { prefix: '/github/secret-scanning', keyward, mode: 'revoke' });
 */
export const secretScanningPlugin = fp(secretScanningImpl, { fastify: '5.x', name: '@keyward/fastify/secret-scanning' });
