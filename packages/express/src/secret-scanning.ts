import { createSecretScanningEndpoint, GITHUB_KEY_ID_HEADER, GITHUB_SIGNATURE_HEADER, problemResponse, type SecretScanningOptions } from '@keyward/core/http';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { send } from './send.js';

/**
 * The endpoint GitHub's secret scanning partner program posts leaked tokens to, as an Express
 * router answering `POST /`. It is not behind the host's session: GitHub's ECDSA signature over
 * the raw body is its authentication, so it reads the body itself and must be mounted before any
 * body parser that would consume it. See docs/security.md ("Leaked tokens").
 * @example
 * app.use('/github/secret-scanning', secretScanningRouter({ keyward, mode: 'revoke', onLeak: (leak) => mailOwners(leak) }));
 */
export function secretScanningRouter(options: SecretScanningOptions): Router {
  const endpoint = createSecretScanningEndpoint(options, 'secretScanningRouter');
  const onError = options.onError ?? ((error: unknown) => console.error('[keyward] secret scanning report failed:', error));
  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: endpoint.maxBodyBytes, inflate: false }), async (req, res) => {
    if (!Buffer.isBuffer(req.body)) {
      // A parser ran first and the signed bytes are gone: nothing can be verified, so nothing is taken.
      onError(new Error('secretScanningRouter: the body was parsed before the router; mount it before express.json()'));
      return send(res, problemResponse(500, 'INTERNAL_ERROR', 'The report could not be checked.'));
    }
    send(res, await endpoint.handle({ keyId: req.get(GITHUB_KEY_ID_HEADER), signature: req.get(GITHUB_SIGNATURE_HEADER), body: req.body }));
  });
  const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
    const type = (error as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') send(res, endpoint.tooLarge);
    else if (type === 'encoding.unsupported') send(res, problemResponse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the report uncompressed.'));
    else next(error);
  };
  router.use(bodyErrors);
  return router;
}
