import { ConfigurationError } from '../errors.js';
import { incomingHeaderValue, type IncomingHeaders } from './guard.js';
import { isJsonContentType } from './json-body.js';
import { NO_STORE_HEADERS, frozenResponse, problemResponse, type HttpResponse } from './response.js';

/**
 * The headers core judges a management request by, as the framework reads them: raw values
 * (null or undefined when absent; a repeated header joined with ", ").
 */
export interface ManagementHeaders {
  /** The `Content-Type` header. */
  contentType?: string | null | undefined;
  /** The `Origin` header. */
  origin?: string | null | undefined;
  /** The `Sec-Fetch-Site` header. */
  secFetchSite?: string | null | undefined;
  /**
   * Where the request was addressed, `host[:port]`: the `Host` header (Express `req.host`,
   * Fastify `request.host`), or the host of a fetch `Request`'s URL.
   */
  host?: string | null | undefined;
}

/**
 * The management headers of a Node request (Express, Fastify). `host` is the framework's own
 * reading of it (Express `req.host`, Fastify `request.host`), which honours its trust-proxy setting.
 * @example nodeManagementHeaders(req, req.host)
 */
export function nodeManagementHeaders(req: IncomingHeaders, host: string | undefined): ManagementHeaders {
  return {
    contentType: incomingHeaderValue(req, 'content-type'),
    origin: incomingHeaderValue(req, 'origin'),
    secFetchSite: incomingHeaderValue(req, 'sec-fetch-site'),
    host,
  };
}

/** The parts of a fetch `Request` its management headers come from. */
export interface FetchRequestHeaders {
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

/**
 * The management headers of a fetch `Request` (Hono, fetch runtimes): the host is the URL's,
 * which the server built from the Host header.
 * @example fetchManagementHeaders(new Request('https://a.test/tokens', { method: 'POST' })).host // 'a.test'
 */
export function fetchManagementHeaders(request: FetchRequestHeaders): ManagementHeaders {
  let host: string | undefined;
  try {
    host = new URL(request.url).host;
  } catch {
    // A relative or broken URL: no host, so an Origin cannot match it.
  }
  return {
    contentType: request.headers.get('content-type'),
    origin: request.headers.get('origin'),
    secFetchSite: request.headers.get('sec-fetch-site'),
    host,
  };
}

/** The cross-site options of a management API. */
export interface CrossSiteOptions {
  /**
   * `'refuse'` (the default): a state change (POST, PATCH, DELETE) that a browser sent from
   * another site answers 403 `CROSS_SITE_REQUEST`, so a page elsewhere cannot use an admin's
   * cookies to create, roll or delete tokens. `'allow'` turns that check off, for an API whose
   * callers are never browsers holding cookies (the media-type rule stays on either way).
   */
  crossSite?: 'refuse' | 'allow' | undefined;
  /**
   * Other origins whose pages may make changes, each exactly as a browser sends it in `Origin`:
   * `https://admin.example.com` (scheme, host, port if not the default; no path).
   */
  trustedOrigins?: readonly string[] | undefined;
}

/** The checked cross-site options. */
export interface CrossSitePolicy {
  readonly refuse: boolean;
  readonly trustedOrigins: ReadonlySet<string>;
}

/** 403 for a state change a browser sent from another site. */
export const CROSS_SITE_RESPONSE = frozenResponse(
  problemResponse(
    403,
    'CROSS_SITE_REQUEST',
    'This change was sent from another site. Token management accepts changes from its own pages and trusted origins only.',
    undefined,
    NO_STORE_HEADERS,
  ),
);

/** 415 for a state change without `Content-Type: application/json`, body or not. */
export const NOT_JSON_RESPONSE = frozenResponse(
  problemResponse(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Send changes with "Content-Type: application/json" (UTF-8, uncompressed), even without a body.',
    undefined,
    NO_STORE_HEADERS,
  ),
);

/**
 * Checks the cross-site options once, at construction.
 * @example resolveCrossSite({ trustedOrigins: ['https://admin.example.com'] }, 'tokensRouter').trustedOrigins.size // 1
 */
export function resolveCrossSite(options: CrossSiteOptions, caller: string): CrossSitePolicy {
  const fail = (message: string) => new ConfigurationError(`${caller}(options): ${message}`);
  const { crossSite = 'refuse', trustedOrigins = [] } = options;
  if (crossSite !== 'refuse' && crossSite !== 'allow') throw fail(`crossSite must be 'refuse' or 'allow', got ${JSON.stringify(crossSite)}`);
  if (!Array.isArray(trustedOrigins)) throw fail('trustedOrigins must be a list of origins such as ["https://admin.example.com"]');
  const trusted = new Set<string>();
  trustedOrigins.forEach((value: unknown, i) => {
    const origin = serializedOrigin(value);
    if (origin === null || origin !== value) {
      const hint = origin === null ? '' : ` (did you mean ${JSON.stringify(origin)}?)`;
      throw fail(`trustedOrigins[${i}] must be an origin as browsers send it, such as "https://admin.example.com", got ${JSON.stringify(value)}${hint}`);
    }
    trusted.add(origin);
  });
  return Object.freeze({ refuse: crossSite === 'refuse', trustedOrigins: trusted });
}

/** `scheme://host[:port]` of an http(s) URL, or null. */
function serializedOrigin(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** The host of an `Origin` header, lowercase, or null when it is not an http(s) origin (`null`, garbage). */
function originHost(origin: string): string | null {
  const serialized = serializedOrigin(origin);
  return serialized === null ? null : new URL(serialized).host;
}

/**
 * Whether a browser sent this request from another site, the way Go's `http.CrossOriginProtection`
 * decides it. `Sec-Fetch-Site` (every current browser sends it) is believed first: `same-origin`
 * and `none` (typed by the user) pass, anything else is another site. Without it (an older
 * browser), `Origin` must name the host the request was sent to. A request with neither header
 * was not sent by a browser (curl, a server) and cannot carry a victim's cookies by accident.
 * The scheme is not compared: behind a TLS-terminating proxy the server cannot know it, and a
 * browser sends `Sec-Fetch-Site` anyway.
 */
function isCrossSite(request: ManagementHeaders, policy: CrossSitePolicy): boolean {
  const site = request.secFetchSite?.trim().toLowerCase();
  if (site === 'same-origin' || site === 'none') return false;
  const origin = request.origin?.trim();
  if (origin && policy.trustedOrigins.has(origin)) return false;
  if (site) return true;
  if (!origin) return false;
  const host = request.host?.trim().toLowerCase();
  return !host || originHost(origin) !== host;
}

/**
 * Whether a management request may go on: undefined when it may, or the refusal. Reads (GET)
 * always may. A change (POST, PATCH, DELETE) is refused with 403 `CROSS_SITE_REQUEST` when a
 * browser sent it from another site (unless the policy allows it), then with 415 unless it is
 * one a browser cannot send cross-site without a CORS preflight:
 * - POST and PATCH need `Content-Type: application/json`, even without a body. JSON is not a
 *   type an HTML form or a "simple" fetch can send, so a page elsewhere cannot send it silently.
 * - DELETE needs no body and no type: DELETE is not a simple method, so a browser always asks the
 *   server first (preflight) before sending one cross-site. A DELETE that carries a body of a
 *   type a form can send is refused anyway: it is what a method override (`_method=DELETE` in a
 *   form, rewritten by the host's middleware) would turn a cross-site form post into.
 * @example admit('POST', { contentType: 'text/plain', origin: null, secFetchSite: null, host: 'a.test' }, policy) // NOT_JSON_RESPONSE
 */
export function admit(method: string, request: ManagementHeaders | undefined, policy: CrossSitePolicy): HttpResponse | undefined {
  if (method === 'GET' || method === 'HEAD') return undefined;
  // An adapter that hands nothing over gets the strictest reading: no type, so no change.
  const facts: ManagementHeaders = request ?? {};
  if (policy.refuse && isCrossSite(facts, policy)) return CROSS_SITE_RESPONSE;
  const type = facts.contentType;
  if (method === 'DELETE' ? type != null && type !== '' && !isJsonContentType(type) : !isJsonContentType(type)) return NOT_JSON_RESPONSE;
  return undefined;
}
