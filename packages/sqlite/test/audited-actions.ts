// The management actions that write an audit entry, each as a store call with a draft: shared by
// audit-atomicity.test.ts and the child it kills half-way (audit-stop-child.ts).
import type { AuditDraft, TokenRecord, TokenStore } from '@keyward/core';
import { makeHash, makeRecord } from '@keyward/store-tests';

/** One management action with a draft, on `record` (inserted first, except for `insert`). */
export interface AuditedAction {
  name: string;
  /** The record the action works on; `insert` inserts it, every other action finds it in place. */
  record: () => TokenRecord;
  run: (store: TokenStore, record: TokenRecord, draft: AuditDraft) => Promise<unknown>;
}

export const AUDITED_ACTIONS: AuditedAction[] = [
  { name: 'insert', record: () => makeRecord(), run: (s, r, d) => s.insert(r, d) },
  { name: 'update (rename)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { name: 'Renamed', nameKey: 'renamed' }, d) },
  { name: 'update (pause)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { enabled: false }, d) },
  { name: 'update (credits)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { remaining: 5 }, d) },
  { name: 'roll', record: () => makeRecord(), run: (s, r, d) => s.roll(r.organizationId, r.id, { hash: makeHash(), hint: 'kw_roll', previousExpiresAt: null }, d) },
  { name: 'deleteMany', record: () => makeRecord(), run: (s, r, d) => s.deleteMany(r.organizationId, [r.id], d) },
  { name: 'deleteByProject', record: () => makeRecord({ scope: { kind: 'project', projectId: 'proj_gone' } }), run: (s, r, d) => s.deleteByProject('proj_gone', d) },
  { name: 'deleteExpired', record: () => makeRecord({ expiresAt: 1000 }), run: (s, _r, d) => s.deleteExpired(2000, d) },
];

export function auditedAction(name: string): AuditedAction {
  const action = AUDITED_ACTIONS.find((a) => a.name === name);
  if (!action) throw new Error(`no audited action named ${JSON.stringify(name)}`);
  return action;
}
