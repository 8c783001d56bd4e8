import { ValidationError } from './errors.js';
import type { ListCursor } from './store.js';

// Cursors are `<createdAt base36>.<id>`: URL-safe as they are, since ids are nanoid characters.

/**
 * The opaque `nextCursor` string handed to clients for a store position.
 * @example encodeCursor({ createdAt: 1767225600000, id: 'tok_a' }) // 'mjuohs00.tok_a'
 */
export function encodeCursor(cursor: ListCursor): string {
  return `${cursor.createdAt.toString(36)}.${cursor.id}`;
}

/**
 * The store position a `nextCursor` string stands for.
 * @throws ValidationError (field `cursor`) when the string did not come from `encodeCursor`
 * @example decodeCursor('mjuohs00.tok_a') // { createdAt: 1767225600000, id: 'tok_a' }
 */
export function decodeCursor(cursor: string): ListCursor {
  const dot = cursor.indexOf('.');
  const createdAt = dot > 0 ? parseInt(cursor.slice(0, dot), 36) : NaN;
  const id = cursor.slice(dot + 1);
  if (!Number.isSafeInteger(createdAt) || id.length === 0) {
    throw ValidationError.of('cursor', 'is not a cursor returned by list()');
  }
  return { createdAt, id };
}
