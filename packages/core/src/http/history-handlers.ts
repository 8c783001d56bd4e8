import { json, managed, queryValue, type ManagementHandler } from './management-handlers.js';

/**
 * `GET /tokens/audit?tokenId=&limit=&cursor=` → 200 `{ items, nextCursor }`: the organization's
 * audit trail (of one token with `tokenId`), newest first. Owners and admins only; 501 when the
 * trail is off.
 * @example await handleAuditLog(keyward, { actor, query: { limit: '50' } })
 */
export const handleAuditLog: ManagementHandler = managed(async (keyward, actor, { query }) => {
  const page = await keyward.auditLog(actor, {
    tokenId: queryValue(query, 'tokenId') as string | undefined,
    limit: queryValue(query, 'limit') as number | undefined,
    cursor: queryValue(query, 'cursor') as string | undefined,
  });
  return json(200, page);
});

/**
 * `GET /tokens/usage?days=30` → 200 `{ tokenId: null, days, total }`: the organization's requests
 * per UTC day, every token (deleted ones included) summed. 501 when usage is off.
 * @example await handleOrganizationUsage(keyward, { actor, query: { days: '7' } })
 */
export const handleOrganizationUsage: ManagementHandler = managed(async (keyward, actor, { query }) => {
  return json(200, await keyward.organizationUsage(actor, { days: queryValue(query, 'days') as number | undefined }));
});

/**
 * `GET /tokens/:id/usage?days=30` → 200 `{ tokenId, days, total }`: one token's requests per UTC
 * day, accepted and refused by code. 404 for an unknown id, 501 when usage is off.
 * @example await handleTokenUsage(keyward, { actor, params: { id: 'tok_1' }, query: { days: '30' } })
 */
export const handleTokenUsage: ManagementHandler = managed(async (keyward, actor, { params, query }) => {
  return json(200, await keyward.usage(actor, params?.id as string, { days: queryValue(query, 'days') as number | undefined }));
});
