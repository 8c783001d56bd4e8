import { createSecretScanningEndpoint, GITHUB_KEY_ID_HEADER, GITHUB_SIGNATURE_HEADER, PROBLEM_CONTENT_TYPE, problemResponse, type SecretScanningOptions } from '@keyward/core/http';
import { readAtMost } from './read-body.js';
import { toResponse } from './respond.js';

/**
 * The endpoint GitHub's secret scanning partner program posts leaked tokens to, as a fetch handler
 * (Next.js route, Bun, Deno, Workers) answering POST on whatever path it is routed from. Not behind
 * the host's session: GitHub's ECDSA signature over the raw body is its authentication; it runs on
 * WebCrypto. See docs/security.md ("Leaked tokens").
 * @example
 * // app/api/github/secret-scanning/route.ts
 * export const POST = createFetchSecretScanning({ keyward, mode: 'revoke' });
 */
export function createFetchSecretScanning(options: SecretScanningOptions): (request: Request) => Promise<Response> {
  const endpoint = createSecretScanningEndpoint(options, 'createFetchSecretScanning');
  return async function keywardSecretScanning(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      const body = { type: 'about:blank', title: 'Method Not Allowed', status: 405, code: 'METHOD_NOT_ALLOWED', detail: 'This route answers POST.' };
      return new Response(JSON.stringify(body), { status: 405, headers: { 'content-type': PROBLEM_CONTENT_TYPE, allow: 'POST' } });
    }
    if (Number(request.headers.get('content-length')) > endpoint.maxBodyBytes) {
      await request.body?.cancel().catch(() => {});
      return toResponse(endpoint.tooLarge);
    }
    let body: Uint8Array | null;
    try {
      body = request.body === null ? new Uint8Array(0) : await readAtMost(request.body, endpoint.maxBodyBytes);
    } catch {
      // The client went away mid-body: nothing was read, nothing is done.
      return toResponse(problemResponse(400, 'INVALID_REPORT', 'The report body could not be read.'));
    }
    if (body === null) return toResponse(endpoint.tooLarge);
    return toResponse(await endpoint.handle({ keyId: request.headers.get(GITHUB_KEY_ID_HEADER), signature: request.headers.get(GITHUB_SIGNATURE_HEADER), body }));
  };
}
