import { createSecretScanningEndpoint, GITHUB_KEY_ID_HEADER, GITHUB_SIGNATURE_HEADER, type SecretScanningOptions } from '@keyward/core/http';
import { Hono, type Env } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { send } from './send.js';

/**
 * The endpoint GitHub's secret scanning partner program posts leaked tokens to, as a Hono app
 * answering `POST /`. Not behind the host's session: GitHub's ECDSA signature over the raw body is
 * its authentication. See docs/security.md ("Leaked tokens").
 * @example
 * app.route('/github/secret-scanning', secretScanningApp({ keyward, mode: 'revoke', onLeak: (leak) => mailOwners(leak) }));
 */
export function secretScanningApp<E extends Env = Env>(options: SecretScanningOptions): Hono<E> {
  const endpoint = createSecretScanningEndpoint(options, 'secretScanningApp');
  const app = new Hono<E>();
  const limit = bodyLimit({ maxSize: endpoint.maxBodyBytes, onError: (c) => send(c, endpoint.tooLarge) });
  app.post('/', limit, async (c) => {
    let body: Uint8Array;
    try {
      body = new Uint8Array(await c.req.arrayBuffer());
    } catch (error) {
      // A streamed body that outgrows the limit fails while it is read (see tokensApp).
      if ((error as { name?: unknown } | null)?.name === 'BodyLimitError') return send(c, endpoint.tooLarge);
      throw error;
    }
    return send(c, await endpoint.handle({ keyId: c.req.header(GITHUB_KEY_ID_HEADER), signature: c.req.header(GITHUB_SIGNATURE_HEADER), body }));
  });
  return app;
}
