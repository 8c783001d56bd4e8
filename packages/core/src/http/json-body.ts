import { NO_STORE_HEADERS, frozenResponse, problemResponse, type HttpResponse } from './response.js';

/** Largest JSON body the management API reads: 1000 token ids fit many times over. */
export const MAX_JSON_BODY_BYTES = 128 * 1024;

/** Refusals for request bodies, shared by both frameworks so a bad body gets the same answer everywhere. */
export const BODY_RESPONSES = Object.freeze({
  invalidJson: frozenResponse(problemResponse(400, 'INVALID_JSON', 'The request body is not a JSON object or array.', undefined, NO_STORE_HEADERS)),
  tooLarge: frozenResponse(problemResponse(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`, undefined, NO_STORE_HEADERS)),
  unsupportedMediaType: frozenResponse(
    problemResponse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as uncompressed UTF-8 "application/json".', undefined, NO_STORE_HEADERS),
  ),
});

/**
 * True for `application/json` in UTF-8 (parameters allowed, case-insensitive). Other charsets are
 * refused rather than guessed at.
 * @example isJsonContentType('application/json; charset=UTF-8') // true
 */
export function isJsonContentType(value: string | null | undefined): boolean {
  if (typeof value !== 'string') return false;
  const [mediaType = '', ...parameters] = value.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') return false;
  for (const parameter of parameters) {
    const [name = '', raw = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = raw.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}

/** The request headers that decide whether and how a body is read. */
export interface BodyHeaders {
  contentType?: string | null | undefined;
  contentEncoding?: string | null | undefined;
  contentLength?: string | null | undefined;
  transferEncoding?: string | null | undefined;
  /**
   * Whether a body is present, when the request itself says so: a fetch `Request` with no Node
   * request behind it (Hono's `app.request()`, `new Request(url, { body })`, fetch runtimes) has
   * `body !== null` and often no Content-Length. Leave undefined to decide from Content-Length and
   * Transfer-Encoding, as Express does for Node requests.
   */
  hasBody?: boolean | undefined;
}

/**
 * Whether to read the body as JSON: `'parse'`, `'none'` (no JSON body; routes that need one answer
 * 415), or a 415 response for compressed bodies. Mirrors Express's body parser configured with
 * `inflate: false`, so Hono and Express agree on every request; `hasBody` lets a fetch request
 * without Content-Length say that it has a body.
 * @example jsonBodyDisposition({ contentType: 'application/json', contentLength: '2' }) // 'parse'
 */
export function jsonBodyDisposition(headers: BodyHeaders): 'parse' | 'none' | HttpResponse {
  // The same "does it have a body" test as Express's type-is, unless the request itself knows.
  const framed =
    headers.hasBody ?? (headers.transferEncoding != null || (headers.contentLength != null && !Number.isNaN(Number(headers.contentLength))));
  if (!framed || !isJsonContentType(headers.contentType)) return 'none';
  const encoding = headers.contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return BODY_RESPONSES.unsupportedMediaType;
  return 'parse';
}

// JSON's own whitespace only (RFC 8259), as Express's body parser skips.
const FIRST_JSON_CHAR = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/;

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; response: HttpResponse };

/**
 * Parses a JSON request body strictly: an object or an array, as Express's `express.json()` does.
 * An empty body is `{}`, again like Express, so both frameworks answer the same.
 * @example parseJsonBody('{"ids":["tok_1"]}') // { ok: true, value: { ids: ['tok_1'] } }
 */
export function parseJsonBody(text: string): JsonBodyResult {
  if (text.length === 0) return { ok: true, value: {} };
  const first = FIRST_JSON_CHAR.exec(text)?.[1];
  if (first !== '{' && first !== '[') return { ok: false, response: BODY_RESPONSES.invalidJson };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: BODY_RESPONSES.invalidJson };
  }
}
