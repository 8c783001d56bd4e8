import { ValidationError } from './errors.js';
import type { AuditCursor, ExpiringCursor, ListCursor } from './store.js';

// Cursors are `<instant base36>.<id>`: URL-safe as they are, since ids are nanoid characters.

function encodePosition(at: number, id: string): string {
  return `${at.toString(36)}.${id}`;
}

function decodePosition(cursor: string, from: string): { at: number; id: string } {
  const dot = cursor.indexOf('.');
  const at = dot > 0 ? parseInt(cursor.slice(0, dot), 36) : NaN;
  const id = cursor.slice(dot + 1);
  if (!Number.isSafeInteger(at) || id.length === 0) throw ValidationError.of('cursor', `is not a cursor returned by ${from}`);
  return { at, id };
}

/**
 * The opaque `nextCursor` string handed to clients for a store position.
 * @example encodeCursor({ createdAt: 1767225600000, id: 'tok_a' }) // 'mjuohs00.tok_a'
 */
export function encodeCursor(cursor: ListCursor): string {
  return encodePosition(cursor.createdAt, cursor.id);
}

/**
 * The store position a `nextCursor` string stands for.
 * @throws ValidationError (field `cursor`) when the string did not come from `encodeCursor`
 * @example decodeCursor('mjuohs00.tok_a') // { createdAt: 1767225600000, id: 'tok_a' }
 */
export function decodeCursor(cursor: string): ListCursor {
  const { at, id } = decodePosition(cursor, 'list()');
  return { createdAt: at, id };
}

/**
 * `encodeCursor` for a `listExpiring()` position.
 * @example encodeExpiringCursor({ expiresAt: 1767225600000, id: 'tok_a' }) // 'mjuohs00.tok_a'
 */
export function encodeExpiringCursor(cursor: ExpiringCursor): string {
  return encodePosition(cursor.expiresAt, cursor.id);
}

/**
 * `decodeCursor` for a `listExpiring()` cursor.
 * @example decodeExpiringCursor('mjuohs00.tok_a') // { expiresAt: 1767225600000, id: 'tok_a' }
 */
export function decodeExpiringCursor(cursor: string): ExpiringCursor {
  const { at, id } = decodePosition(cursor, 'listExpiring()');
  return { expiresAt: at, id };
}

/**
 * `encodeCursor` for an `auditLog()` position.
 * @example encodeAuditCursor({ at: 1767225600000, id: 'aud_1:tok_a' }) // 'mjuohs00.aud_1:tok_a'
 */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return encodePosition(cursor.at, cursor.id);
}

/**
 * `decodeCursor` for an `auditLog()` cursor.
 * @example decodeAuditCursor('mjuohs00.aud_1:tok_a') // { at: 1767225600000, id: 'aud_1:tok_a' }
 */
export function decodeAuditCursor(cursor: string): AuditCursor {
  return decodePosition(cursor, 'auditLog()');
}
