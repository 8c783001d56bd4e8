import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { EXPIRY_PRESETS } from '../expiry.js';
import { USAGE_REFUSAL_CODES } from '../store.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_BULK_IDS,
  MAX_PAGE_SIZE,
  createTokenInputSchema,
  deleteManyInputSchema,
  expiryPresetSchema,
  listOptionsSchema,
  rollTokenInputSchema,
  tokenIdSchema,
  updateTokenInputSchema,
  tokenNameSchema,
  tokenScopeSchema,
  rateLimitSchema,
  refillSchema,
  usageOptionsSchema,
} from '../schemas.js';
import { MANAGEMENT_PROBLEM_CODES } from './problem-codes.js';
import { JSON_CONTENT_TYPE, NO_STORE_HEADERS, PROBLEM_CONTENT_TYPE, type HttpResponse } from './response.js';

/** Where every framework adapter serves the document, relative to the management API's mount. */
export const OPENAPI_PATH = '/tokens/openapi.json';

/** Version of the management API this document describes (not of the npm package). */
export const MANAGEMENT_API_VERSION = '1.0.0';

/**
 * How a client authenticates to the management API, as OpenAPI 3.1 describes it: the host's own
 * session cookie, a bearer token, … keyward does not know which; the host says.
 */
export type OpenApiSecurityScheme =
  | { type: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string; description?: string | undefined }
  | { type: 'http'; scheme: string; bearerFormat?: string | undefined; description?: string | undefined }
  | { type: 'oauth2'; flows: Record<string, unknown>; description?: string | undefined }
  | { type: 'openIdConnect'; openIdConnectUrl: string; description?: string | undefined }
  | { type: 'mutualTLS'; description?: string | undefined };

export interface OpenApiOptions {
  /** Where the host mounts the management API, e.g. `/settings`: the document's `servers` URL. Default `/`. */
  basePath?: string | undefined;
  /** `info.title`. Default "keyward token management API". */
  title?: string | undefined;
  /**
   * How the host authenticates the management API, by name, e.g. `{ session: { type: 'apiKey',
   * in: 'cookie', name: 'sid' } }`: written to `components.securitySchemes`, and every operation
   * requires one of them. Default: none declared (keyward cannot know the host's session).
   */
  securitySchemes?: Readonly<Record<string, OpenApiSecurityScheme>> | undefined;
}

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & { openapi: '3.1.0'; paths: Record<string, Record<string, unknown>> };

// ── Schemas. Request bodies come straight from the zod schemas the service validates with;
// responses are described here, beside the handlers' JSON, because the service returns plain
// objects. Built on first use, in a registry of our own: importing core costs nothing, and
// zod's global registry is left alone.

type Meta = { id?: string; description?: string };

function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<Meta>();
  const d = <T extends z.ZodType>(schema: T, description: string): T => (registry.add(schema, { description }), schema);
  const epochMs = (description: string) => d(z.number().int().min(0), `${description} Milliseconds since the Unix epoch.`);
  const nullableEpochMs = (description: string) => d(z.number().int().min(0).nullable(), `${description} Milliseconds since the Unix epoch.`);

  const tokenInfoShape = {
    id: d(z.string(), 'Public id of the token (not its secret), e.g. `tok_…`.'),
    organizationId: z.string(),
    name: z.string(),
    scope: tokenScopeSchema,
    hint: d(z.string(), 'The prefix and the first 4 characters of the secret, e.g. `kw_4fT0`: enough to recognise a token, useless to use it.'),
    createdAt: epochMs('When it was created.'),
    createdBy: d(z.string(), 'userId of the actor who created it.'),
    expiresAt: nullableEpochMs('When it stops working; null if it never expires.'),
    lastUsedAt: nullableEpochMs('When it last passed verification (recorded at most once per interval); null if never used.'),
    permissions: d(z.array(z.string()).nullable(), 'Permission names granted, sorted; null when the server declares no permissions.'),
    // The answer's shape (the input schema checks raw input first, which JSON Schema would read as optional).
    metadata: d(z.record(z.string(), z.unknown()).nullable(), 'The host\'s own JSON object (at most 4 KB as JSON), or null.'),
    previousSecret: d(
      z.object({ hint: z.string(), expiresAt: epochMs('When the old secret stops working.') }).nullable(),
      'After a roll with a grace period: the old secret, which keeps working until `expiresAt`; null otherwise.',
    ),
    enabled: d(z.boolean(), 'false while paused: the token is kept but refused (`TOKEN_DISABLED`) until resumed.'),
    // The schema clients send (a window by name or in ms), so one field name has one format across the API; answers always give ms.
    rateLimit: d(rateLimitSchema.nullable(), 'At most `limit` requests per `window` (answers give the window in ms); null for no rate limit.'),
    remaining: d(z.number().int().min(0).nullable(), 'Usage credits left; null for unlimited.'),
    refill: d(refillSchema.nullable(), 'Credits are set back to `amount` every `interval`; null: never.'),
    nextRefillAt: nullableEpochMs('When the next refill falls due; null without a refill.'),
  };
  const tokenInfoSchema = z.object(tokenInfoShape);
  const refusalCounts = z.object(Object.fromEntries(USAGE_REFUSAL_CODES.map((code) => [code, z.number().int().min(0)])));
  const usageDay = z.object({ day: d(z.string(), 'UTC day, `YYYY-MM-DD`.'), accepted: z.number().int().min(0), refused: d(refusalCounts, 'Refused requests of the token (found, then refused), by code.') });
  const tokenListItemSchema = z.object({
    ...tokenInfoShape,
    status: d(z.enum(['active', 'expired', 'paused']), 'Expired tokens stay listed until pruned; `paused` until resumed (an expired token is `expired`, paused or not).'),
    scopeLabel: d(z.string(), '"Organization", or the project\'s name as the host resolves it.'),
    expiresSoon: d(z.boolean(), 'Active and expiring within 7 days.'),
    leak: d(
      z
        .object({
          at: epochMs('When GitHub reported it.'),
          url: d(z.string(), 'The public URL where the secret was found.'),
          source: d(z.string().nullable(), 'Where GitHub found it (`content`, `commit`, `npm`, …); null when it did not say.'),
          secret: d(z.enum(['current', 'previous']), 'The found secret is the current one, or the previous one (still working after a roll with a grace period).'),
        })
        .nullable(),
      'A leak GitHub\'s secret scanning reported in a secret of this token that still works (the server flags leaks instead of revoking them): roll the secret or delete the token. Null when there is none, and while the audit trail is off.',
    ),
  });
  const components: [z.ZodType, string, string?][] = [
    [tokenScopeSchema, 'TokenScope', 'The whole organization, or one of its projects.'],
    [tokenNameSchema, 'TokenName', 'Trimmed and NFC-normalized, then 1–100 characters without control characters; unique in the organization, compared case-insensitively.'],
    [expiryPresetSchema, 'ExpiryPreset', 'How long the token lives from its creation: a day is 86 400 000 ms; `never` does not expire.'],
    [createTokenInputSchema, 'CreateTokenInput', '`permissions` is required when the server declares permissions (see `GET /tokens/permissions`) and refused when it does not.'],
    [rollTokenInputSchema, 'RollTokenInput', 'How long the current secret keeps working after the roll: `now` (the default) ends it at once.'],
    [
      updateTokenInputSchema,
      'UpdateTokenInput',
      'At least one field. `metadata: null` clears it; `enabled: false` pauses the token, `true` resumes it; `rateLimit`, `remaining` or `refill` set to null removes that limit. Setting `remaining` or `refill` restarts the refill clock.',
    ],
    [
      z.object({ permissions: z.array(z.object({ name: d(z.string(), '`resource:action`, e.g. `builds:read`.'), description: z.string() })) }),
      'PermissionList',
      'What a new token can be granted; empty when the server declares no permissions.',
    ],
    [deleteManyInputSchema, 'BulkDeleteInput', `At most ${MAX_BULK_IDS} ids; repeats count once. An id that is already gone does not stop the others.`],
    [tokenInfoSchema, 'TokenInfo', 'A token as anyone outside the store sees it: never its secret or hash.'],
    [tokenListItemSchema, 'TokenListItem', 'A row of the tokens table.'],
    [
      z.object({ items: z.array(tokenListItemSchema), nextCursor: d(z.string().nullable(), 'Pass as `cursor` for the next page; null on the last page.') }),
      'TokenPage',
      'Newest first.',
    ],
    [
      z.object({ plaintext: d(z.string(), 'The token itself. This is the only response that ever holds it: store it now.'), token: tokenInfoSchema }),
      'CreatedToken',
    ],
    [
      z.object({
        expiresIn: expiryPresetSchema,
        expiresAt: nullableEpochMs('When a token created now would stop working; null for `never`.'),
      }),
      'ExpirationPreview',
      'Exactly the expiresAt that creating a token now would store.',
    ],
    [
      z.object({
        deleted: d(z.number().int().min(0), 'How many tokens this request deleted.'),
        notFound: d(
          z.array(z.string()),
          'The ids it did not delete, in the order given: already deleted (e.g. by another admin a moment earlier), unknown, or of another organization.',
        ),
      }),
      'BulkDeleteResult',
      'Every id asked for is counted in `deleted` or listed in `notFound`.',
    ],
    [
      z.object({
        items: z.array(
          z.object({
            id: z.string(),
            organizationId: z.string(),
            at: epochMs('When it happened.'),
            actor: d(
              z.union([z.object({ type: z.literal('user'), userId: z.string(), role: z.enum(['owner', 'admin', 'member']) }), z.object({ type: z.literal('system') })]),
              'Who did it: a signed-in user, or keyward itself (pruning, a project revoked, a leak report).',
            ),
            action: z.enum(['created', 'updated', 'paused', 'resumed', 'rolled', 'deleted', 'bulk_deleted', 'project_revoked', 'expired_pruned', 'leaked']),
            tokenId: z.string(),
            tokenName: d(z.string(), 'The token\'s name just before the action.'),
            changes: d(z.record(z.string(), z.unknown()).nullable(), 'The new value of each changed field (metadata as its keys only); never a secret or a hash.'),
            ip: z.string().nullable(),
            userAgent: z.string().nullable(),
          }),
        ),
        nextCursor: d(z.string().nullable(), 'Pass as `cursor` for the next page; null on the last page.'),
      }),
      'AuditLogPage',
      'Newest first.',
    ],
    [
      z.object({
        tokenId: d(z.string().nullable(), 'The token, or null for the organization\'s total.'),
        days: z.array(usageDay),
        total: d(usageDay.omit({ day: true }), 'The sums over `days`.'),
      }),
      'UsageReport',
      'Requests per UTC day, oldest first, every day present (zeros included).',
    ],
    [
      z.object({
        type: d(z.string(), 'Always `about:blank`.'),
        title: z.string(),
        status: z.number().int(),
        code: d(z.enum(MANAGEMENT_PROBLEM_CODES), 'Stable code to branch on; each response says which it carries.'),
        detail: d(z.string(), 'For people.'),
        errors: z.array(z.object({ path: d(z.string(), 'Dotted field path, e.g. `scope.projectId`.'), message: z.string() })).optional(),
        ids: d(z.array(z.string()).optional(), 'With TOKEN_NOT_FOUND: the ids that were not found.'),
      }),
      'Problem',
      'RFC 9457 problem details.',
    ],
  ];
  for (const [schema, id, description] of components) registry.add(schema, description === undefined ? { id } : { id, description });
  // Described as clients send them (before transforms), which is also how responses are written.
  const { schemas } = z.toJSONSchema(registry, { io: 'input', target: 'draft-2020-12', metadata: registry, uri: (id) => `#/components/schemas/${id}` });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas as Record<string, Record<string, unknown>>;
}

function inlineSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

// ── Responses and parameters shared by the operations.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const noStore = { 'Cache-Control': { $ref: '#/components/headers/CacheControl' } };
const ok = (description: string, schema: string) => ({ description, headers: noStore, content: { [JSON_CONTENT_TYPE]: { schema: ref(schema) } } });
const problem = (description: string, extraHeaders: Record<string, unknown> = {}) => ({
  description,
  headers: { ...noStore, ...extraHeaders },
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
});
const refResponse = (name: string) => ({ $ref: `#/components/responses/${name}` });

const RESPONSES = {
  BadRequest: problem('`VALIDATION_FAILED` (with `errors[].path` naming each field) or `INVALID_JSON`.'),
  Unauthenticated: problem('`UNAUTHENTICATED`: nobody is signed in (the host\'s session found no actor).'),
  Forbidden: problem(
    '`FORBIDDEN`: the signed-in member may not manage tokens (owners and admins may). `CROSS_SITE_REQUEST`: a change (POST, PATCH, DELETE) a browser sent from another site (by `Sec-Fetch-Site`, or `Origin` against the request\'s host) and the host does not trust.',
  ),
  NotFound: problem('`TOKEN_NOT_FOUND`: no such token in the actor\'s organization (other organizations\' tokens answer the same). `ids` lists them.'),
  Conflict: problem('`NAME_TAKEN`: another token of the organization has this name (compared case-insensitively).'),
  PayloadTooLarge: problem('`PAYLOAD_TOO_LARGE`: the body is over 128 KiB.'),
  UnsupportedMediaType: problem(
    '`UNSUPPORTED_MEDIA_TYPE`: a POST or PATCH without `Content-Type: application/json` (UTF-8, uncompressed), body or not; a DELETE that carries another type. A browser cannot send those cross-site without asking first.',
  ),
  InternalError: problem('`INTERNAL_ERROR`, or `STORE_FAILED` when the store failed in a way retrying will not fix. Nothing about the cause is sent (it goes to the host\'s onError).'),
  FeatureUnavailable: problem('`FEATURE_UNAVAILABLE`: the audit trail or usage counting is turned off, or the token store cannot carry it.'),
  Unavailable: problem('`STORE_UNAVAILABLE` or `CLOSED`: retry after the given seconds.', { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }),
};

const COMMON = { 401: refResponse('Unauthenticated'), 403: refResponse('Forbidden'), 500: refResponse('InternalError'), 503: refResponse('Unavailable') };
const WITH_BODY = { 400: refResponse('BadRequest'), 413: refResponse('PayloadTooLarge'), 415: refResponse('UnsupportedMediaType') };
const daysParameter = { name: 'days', in: 'query', required: false, description: 'UTC days to read back, today included: 1–400 (default 30).', schema: inlineSchema(usageOptionsSchema.shape.days) };
const idParameter = { name: 'id', in: 'path', required: true, description: 'The token\'s public id.', schema: inlineSchema(tokenIdSchema) };

function paths(): OpenApiDocument['paths'] {
  const list = listOptionsSchema.shape;
  return {
    '/tokens': {
      get: {
        operationId: 'listTokens',
        summary: 'List the organization\'s tokens, newest first',
        parameters: [
          { name: 'limit', in: 'query', required: false, description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`, schema: inlineSchema(list.limit) },
          { name: 'cursor', in: 'query', required: false, description: '`nextCursor` of the previous page.', schema: inlineSchema(list.cursor) },
        ],
        responses: { 200: ok('A page of tokens.', 'TokenPage'), 400: refResponse('BadRequest'), ...COMMON },
      },
      post: {
        operationId: 'createToken',
        summary: 'Create a token; the answer holds its secret, once',
        requestBody: { required: true, content: { [JSON_CONTENT_TYPE]: { schema: ref('CreateTokenInput') } } },
        responses: { 201: ok('Created. `plaintext` is shown this once and never again.', 'CreatedToken'), ...WITH_BODY, 409: refResponse('Conflict'), ...COMMON },
      },
    },
    '/tokens/expiration-preview': {
      get: {
        operationId: 'previewExpiration',
        summary: 'The expiry a token created now with this preset would get',
        parameters: [{ name: 'expiresIn', in: 'query', required: true, schema: ref('ExpiryPreset') }],
        responses: { 200: ok('The instant, computed by the function creation uses.', 'ExpirationPreview'), 400: refResponse('BadRequest'), ...COMMON },
      },
    },
    '/tokens/permissions': {
      get: {
        operationId: 'listPermissions',
        summary: 'The permissions a new token can be granted',
        responses: { 200: ok('The catalog, sorted by name.', 'PermissionList'), ...COMMON },
      },
    },
    '/tokens/bulk-delete': {
      post: {
        operationId: 'bulkDeleteTokens',
        summary: `Delete up to ${MAX_BULK_IDS} tokens at once`,
        requestBody: { required: true, content: { [JSON_CONTENT_TYPE]: { schema: ref('BulkDeleteInput') } } },
        responses: {
          200: ok('The listed tokens that existed are deleted in one atomic step and refused everywhere from now on; the others are listed in `notFound`.', 'BulkDeleteResult'),
          ...WITH_BODY,
          ...COMMON,
        },
      },
    },
    '/tokens/audit': {
      get: {
        operationId: 'auditLog',
        summary: 'The organization\'s audit trail, newest first',
        parameters: [
          { name: 'tokenId', in: 'query', required: false, description: 'Only this token\'s entries.', schema: inlineSchema(tokenIdSchema) },
          { name: 'limit', in: 'query', required: false, description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`, schema: inlineSchema(list.limit) },
          { name: 'cursor', in: 'query', required: false, description: '`nextCursor` of the previous page.', schema: inlineSchema(list.cursor) },
        ],
        responses: { 200: ok('A page of entries.', 'AuditLogPage'), 400: refResponse('BadRequest'), 501: refResponse('FeatureUnavailable'), ...COMMON },
      },
    },
    '/tokens/usage': {
      get: {
        operationId: 'organizationUsage',
        summary: 'Requests per UTC day, summed over every token of the organization',
        parameters: [daysParameter],
        responses: { 200: ok('The days, oldest first, and their total.', 'UsageReport'), 400: refResponse('BadRequest'), 501: refResponse('FeatureUnavailable'), ...COMMON },
      },
    },
    '/tokens/{id}/usage': {
      get: {
        operationId: 'tokenUsage',
        summary: 'A token\'s requests per UTC day: accepted, and refused by code',
        parameters: [idParameter, daysParameter],
        responses: { 200: ok('The days, oldest first, and their total.', 'UsageReport'), 400: refResponse('BadRequest'), 404: refResponse('NotFound'), 501: refResponse('FeatureUnavailable'), ...COMMON },
      },
    },
    '/tokens/{id}': {
      get: {
        operationId: 'getToken',
        summary: 'One token (never its secret)',
        parameters: [idParameter],
        responses: { 200: ok('The token.', 'TokenInfo'), 400: refResponse('BadRequest'), 404: refResponse('NotFound'), ...COMMON },
      },
      patch: {
        operationId: 'updateToken',
        summary: 'Rename, pause or resume a token, or change its metadata or limits',
        parameters: [idParameter],
        requestBody: { required: true, content: { [JSON_CONTENT_TYPE]: { schema: ref('UpdateTokenInput') } } },
        responses: { 200: ok('The token as it is now.', 'TokenInfo'), ...WITH_BODY, 404: refResponse('NotFound'), 409: refResponse('Conflict'), ...COMMON },
      },
      delete: {
        operationId: 'deleteToken',
        summary: 'Delete a token: it is refused everywhere as soon as this answers',
        parameters: [idParameter],
        responses: { 204: { description: 'Deleted.', headers: noStore }, 400: refResponse('BadRequest'), 404: refResponse('NotFound'), 415: refResponse('UnsupportedMediaType'), ...COMMON },
      },
    },
    '/tokens/{id}/roll': {
      post: {
        operationId: 'rollToken',
        summary: 'Replace a token\'s secret; the answer holds the new one, once',
        parameters: [idParameter],
        requestBody: { required: false, content: { [JSON_CONTENT_TYPE]: { schema: ref('RollTokenInput') } } },
        responses: {
          200: ok('Rolled: same token, new `plaintext`, shown this once. The old secret works until `token.previousSecret.expiresAt` (or not at all).', 'CreatedToken'),
          ...WITH_BODY,
          404: refResponse('NotFound'),
          ...COMMON,
        },
      },
    },
  };
}

let cached: string | undefined;

// What each scheme type needs, per OpenAPI 3.1 §4.8.27: a scheme without it describes nothing a client can use.
const SCHEME_FIELDS: Record<OpenApiSecurityScheme['type'], readonly string[]> = {
  apiKey: ['in', 'name'],
  http: ['scheme'],
  oauth2: ['flows'],
  openIdConnect: ['openIdConnectUrl'],
  mutualTLS: [],
};
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

function checkedSecuritySchemes(
  schemes: OpenApiOptions['securitySchemes'],
  fail: (message: string) => Error,
): Readonly<Record<string, OpenApiSecurityScheme>> | undefined {
  if (schemes === undefined) return undefined;
  if (schemes === null || typeof schemes !== 'object' || Array.isArray(schemes) || Object.keys(schemes).length === 0) {
    throw fail("securitySchemes must name at least one scheme, e.g. { session: { type: 'apiKey', in: 'cookie', name: 'sid' } }");
  }
  for (const [name, scheme] of Object.entries(schemes)) {
    const at = `securitySchemes.${name}`;
    if (!COMPONENT_NAME.test(name)) throw fail(`${JSON.stringify(name)} is not a component name (letters, digits, ".", "_", "-")`);
    if (scheme === null || typeof scheme !== 'object' || !Object.hasOwn(SCHEME_FIELDS, (scheme as { type?: unknown }).type as string)) {
      throw fail(`${at}.type must be one of ${Object.keys(SCHEME_FIELDS).join(', ')}`);
    }
    for (const field of SCHEME_FIELDS[scheme.type]) {
      if ((scheme as Record<string, unknown>)[field] === undefined) throw fail(`${at}.${field} is required for type "${scheme.type}"`);
    }
    if (scheme.type === 'apiKey' && !['header', 'query', 'cookie'].includes(scheme.in)) throw fail(`${at}.in must be header, query or cookie`);
  }
  return schemes;
}

function build(): string {
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'keyward token management API',
      version: MANAGEMENT_API_VERSION,
      description:
        'Create, list, roll, rename and delete the API tokens of the signed-in user\'s organization. Requests are authenticated by the host application\'s own session ' +
        '(the host mounts this API and tells keyward who is signed in); owners and admins may use it, members get 403. ' +
        'Every change (POST, PATCH, DELETE) comes from the host\'s own pages: one a browser sent from another site answers 403 `CROSS_SITE_REQUEST`, and a POST or PATCH needs `Content-Type: application/json` even without a body (415 otherwise). ' +
        `Every answer carries \`Cache-Control: no-store\` and \`X-Content-Type-Options: nosniff\`. Expiry presets: ${EXPIRY_PRESETS.join(', ')}.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'tokens', description: 'The API tokens of the signed-in user\'s organization: create, list, roll, rename, delete.' }],
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      responses: RESPONSES,
      headers: {
        CacheControl: { description: 'Always `no-store`: answers are per user, and one holds a secret.', schema: { type: 'string', const: NO_STORE_HEADERS['cache-control'] } },
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
      },
    },
  };
  for (const item of Object.values(document.paths)) for (const operation of Object.values(item)) (operation as { tags?: string[] }).tags = ['tokens'];
  return JSON.stringify(document);
}

/**
 * The OpenAPI 3.1 description of the management API, generated from the zod schemas that
 * validate its requests. A fresh object on every call.
 * @example
 * const doc = createOpenApiDocument({ basePath: '/settings' });
 * doc.servers // [{ url: '/settings' }]
 */
export function createOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const fail = (message: string) => new ConfigurationError(`createOpenApiDocument(options): ${message}`);
  const basePath = options.basePath ?? '/';
  if (typeof basePath !== 'string' || !basePath.startsWith('/')) throw fail('basePath must be a path starting with "/"');
  if (options.title !== undefined && typeof options.title !== 'string') throw fail('title must be a string');
  const schemes = checkedSecuritySchemes(options.securitySchemes, fail);
  // zod's conversion runs once per process; callers each get their own copy.
  cached ??= build();
  const document = JSON.parse(cached) as OpenApiDocument;
  document.servers = [{ url: basePath }];
  if (options.title !== undefined) (document.info as { title: string }).title = options.title;
  if (schemes !== undefined) {
    (document.components as Record<string, unknown>).securitySchemes = structuredClone(schemes);
    // Any one of the declared schemes will do (OpenAPI's list of alternatives).
    const security = Object.keys(schemes).map((name) => ({ [name]: [] }));
    for (const item of Object.values(document.paths)) for (const operation of Object.values(item)) (operation as { security?: unknown }).security = security;
  }
  return document;
}

/**
 * The answer to `GET …/tokens/openapi.json` for a management API mounted at `basePath`;
 * `options` are createOpenApiDocument's others (`securitySchemes`, `title`).
 * @example send(res, openApiResponse(req.baseUrl || '/', { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } } }))
 */
export function openApiResponse(basePath: string, options: Omit<OpenApiOptions, 'basePath'> = {}): HttpResponse {
  return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }, body: createOpenApiDocument({ ...options, basePath: basePath || '/' }) };
}
