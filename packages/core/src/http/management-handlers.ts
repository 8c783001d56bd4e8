import type { ExpiryPreset } from '../expiry.js';
import type { Keyward } from '../keyward.js';
import { assertCanManageTokens } from '../policy.js';
import type { ZodError } from 'zod';
import { ConfigurationError } from '../errors.js';
import { issueMessage } from '../issue-messages.js';
import {
  actorSchema,
  deleteManyInputSchema,
  parseInput,
  toValidationError,
  type CreateTokenInput,
  type RollTokenInput,
  type UpdateTokenInput,
} from '../schemas.js';
import type { RequestContext } from '../audit.js';
import type { Actor } from '../scope.js';
import { BODY_RESPONSES } from './json-body.js';
import { UNAUTHENTICATED_RESPONSE, errorResponse } from './management-errors.js';
import { JSON_CONTENT_TYPE, NO_STORE_HEADERS, type HttpResponse, type HttpStatus } from './response.js';

/** A management request with the framework stripped away. */
export interface ManagementRequest {
  /** Who is acting, from the host's session; null when nobody is signed in (401). */
  actor: Actor | null | undefined;
  /** The parsed JSON body; undefined when the request had none (routes that need one answer 415). */
  body?: unknown;
  /** Query parameters; a value may be a string or, when repeated, an array of strings. */
  query?: Readonly<Record<string, unknown>> | undefined;
  /** Path parameters, e.g. `{ id }` for `/tokens/:id`. */
  params?: Readonly<Record<string, unknown>> | undefined;
  /** The client's IP and User-Agent as the framework knows them, for the audit trail. */
  client?: RequestContext | undefined;
}

/** Answers one management request. Never rejects: every error becomes a problem response. */
export type ManagementHandler = (keyward: Keyward, request: ManagementRequest, onError?: (error: unknown) => void) => Promise<HttpResponse>;

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...NO_STORE_HEADERS, 'content-type': JSON_CONTENT_TYPE });
const NO_CONTENT: HttpResponse = Object.freeze({ status: 204, headers: NO_STORE_HEADERS });

/**
 * A JSON answer that no cache keeps.
 * @example json(200, { deleted: 2 })
 */
export function json(status: HttpStatus, body: unknown): HttpResponse {
  return { status, headers: JSON_HEADERS, body };
}

/**
 * One value of a query parameter. Frameworks hand repeated parameters over as arrays; a
 * one-element array is that value, anything else goes on to validation as is and is refused there.
 */
export function queryValue(query: ManagementRequest['query'], name: string): unknown {
  const value = query?.[name];
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/** What onError hears about an actor getActor() should not have returned: each field, in keyward's words. */
function invalidActor(error: ZodError): ConfigurationError {
  const fields = toValidationError(error, 'actor').issues.map(({ path, message }) => `${path} ${message}`);
  return new ConfigurationError(`getActor() returned an invalid actor: ${fields.join('; ')}`, { cause: error });
}

/**
 * The 401, the malformed-actor 500 and the error mapping, shared by every handler.
 * @example export const handleGetToken = managed(async (keyward, actor, { params }) => json(200, await keyward.get(actor, params?.id as string)));
 */
export function managed(run: (keyward: Keyward, actor: Actor, request: ManagementRequest) => Promise<HttpResponse>): ManagementHandler {
  return async (keyward, request, onError) => {
    if (request.actor === null || request.actor === undefined) return UNAUTHENTICATED_RESPONSE;
    const actor = actorSchema.safeParse(request.actor, { error: issueMessage });
    if (!actor.success) {
      // A bad actor is the host's bug, not the client's: a 500, with the details for the host only.
      return errorResponse(invalidActor(actor.error), onError);
    }
    try {
      return await run(keyward, actor.data, request);
    } catch (error) {
      return errorResponse(error, onError);
    }
  };
}

/**
 * `GET /tokens?limit=&cursor=` → 200 `{ items, nextCursor }`, newest first.
 * @example await handleListTokens(keyward, { actor, query: { limit: '20' } })
 */
export const handleListTokens: ManagementHandler = managed(async (keyward, actor, { query }) => {
  const page = await keyward.list(actor, {
    limit: queryValue(query, 'limit') as number | undefined,
    cursor: queryValue(query, 'cursor') as string | undefined,
  });
  return json(200, page);
});

/**
 * `POST /tokens` `{ name, scope, expiresIn }` → 201 `{ plaintext, token }`. The only response
 * that ever carries a plaintext token.
 * @example await handleCreateToken(keyward, { actor, body: { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' } })
 */
export const handleCreateToken: ManagementHandler = managed(async (keyward, actor, { body, client }) => {
  if (body === undefined) return BODY_RESPONSES.unsupportedMediaType;
  const created = await keyward.create(actor, body as CreateTokenInput, client);
  return json(201, { plaintext: created.plaintext, token: created.token });
});

/**
 * `GET /tokens/expiration-preview?expiresIn=30d` → 200 `{ expiresIn, expiresAt }`: `expiresAt` in
 * epoch ms (null for `never`), as every token answer writes it, and exactly what `create` would store now.
 * @example await handlePreviewExpiration(keyward, { actor, query: { expiresIn: '7d' } })
 */
export const handlePreviewExpiration: ManagementHandler = managed(async (keyward, actor, { query }) => {
  // Previewing is part of creating, so it needs the same rights.
  assertCanManageTokens(actor, 'create');
  const expiresIn = queryValue(query, 'expiresIn') as ExpiryPreset;
  return json(200, { expiresIn, expiresAt: keyward.previewExpiration(expiresIn) });
});

/**
 * `GET /tokens/:id` → 200 with the token (never its secret); 404 for unknown or other organizations' ids.
 * @example await handleGetToken(keyward, { actor, params: { id: 'tok_1' } })
 */
export const handleGetToken: ManagementHandler = managed(async (keyward, actor, { params }) => {
  return json(200, await keyward.get(actor, params?.id as string));
});

/**
 * `DELETE /tokens/:id` → 204. The token is refused everywhere as soon as this answers.
 * @example await handleDeleteToken(keyward, { actor, params: { id: 'tok_1' } })
 */
export const handleDeleteToken: ManagementHandler = managed(async (keyward, actor, { params, client }) => {
  await keyward.delete(actor, params?.id as string, client);
  return NO_CONTENT;
});

/**
 * `POST /tokens/bulk-delete` `{ ids }` → 200 `{ deleted, notFound }`, at most 1000 ids: deletes
 * every listed token of the organization in one atomic step and lists the ids that were already
 * gone (unknown, of another organization, or deleted a moment earlier) in `notFound`.
 * @example await handleBulkDeleteTokens(keyward, { actor, body: { ids: ['tok_1', 'tok_2'] } })
 */
export const handleBulkDeleteTokens: ManagementHandler = managed(async (keyward, actor, { body, client }) => {
  if (body === undefined) return BODY_RESPONSES.unsupportedMediaType;
  // Rights first, as every route answers a member; then the whole body, so an unknown field is refused, not ignored.
  assertCanManageTokens(actor, 'delete');
  const { ids } = parseInput(deleteManyInputSchema, body);
  return json(200, await keyward.deleteMany(actor, ids, client));
});

/**
 * `GET /tokens/permissions` → 200 `{ permissions: [{ name, description }] }`: what a new token can
 * be granted (an empty list when the host declares no catalog), for the create form.
 * @example await handleListPermissions(keyward, { actor })
 */
export const handleListPermissions: ManagementHandler = managed(async (keyward, actor) => {
  // The catalog is shown to people creating tokens, so it needs the same rights.
  assertCanManageTokens(actor, 'create');
  return json(200, { permissions: keyward.permissions });
});

/**
 * `POST /tokens/:id/roll` `{ previousSecretExpiresIn? }` → 200 `{ plaintext, token }`: a new secret
 * for the same token, shown once; the old one verifies until `token.previousSecret.expiresAt`.
 * @example await handleRollToken(keyward, { actor, params: { id: 'tok_1' }, body: { previousSecretExpiresIn: '24h' } })
 */
export const handleRollToken: ManagementHandler = managed(async (keyward, actor, { params, body, client }) => {
  const rolled = await keyward.roll(actor, params?.id as string, (body ?? {}) as RollTokenInput, client);
  return json(200, { plaintext: rolled.plaintext, token: rolled.token });
});

/**
 * `PATCH /tokens/:id` `{ name?, metadata?, enabled?, rateLimit?, remaining?, refill? }` → 200 with
 * the token: rename it, replace its metadata, pause or resume it, change its limits.
 * @example await handleUpdateToken(keyward, { actor, params: { id: 'tok_1' }, body: { enabled: false } })
 */
export const handleUpdateToken: ManagementHandler = managed(async (keyward, actor, { params, body, client }) => {
  if (body === undefined) return BODY_RESPONSES.unsupportedMediaType;
  return json(200, await keyward.update(actor, params?.id as string, body as UpdateTokenInput, client));
});
