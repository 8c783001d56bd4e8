import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

/**
 * A typed client for keyward's management API, from its OpenAPI document: paths, bodies and
 * answers are checked by TypeScript against docs/openapi.json.
 * @example
 * const api = tokensClient('https://app.example.com/settings', { cookie: session });
 * const { data } = await api.GET('/tokens', { params: { query: { limit: 20 } } });
 */
export function tokensClient(baseUrl: string, headers: Record<string, string> = {}) {
  return createClient<paths>({ baseUrl, headers });
}
