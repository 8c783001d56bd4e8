export const NAME_MAX_LENGTH = 100;

// C0, DEL and C1 controls, plus line/paragraph separators: none belong in a one-line label.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Normalizes a token name: NFC, trimmed. Returns the problem as a string when the result is not
 * a valid name (empty, over 100 characters, control characters), so schemas can report it.
 * @example normalizeTokenName('  Production  ') // { ok: true, name: 'Production' }
 */
export function normalizeTokenName(input: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = input.normalize('NFC').trim();
  if (name.length === 0) return { ok: false, message: 'must not be empty' };
  // Count code points, not UTF-16 units, so an emoji counts as one character.
  let length = 0;
  for (const _ of name) length++;
  if (length > NAME_MAX_LENGTH) return { ok: false, message: `must be at most ${NAME_MAX_LENGTH} characters` };
  if (CONTROL_CHARS.test(name)) return { ok: false, message: 'must not contain control characters' };
  return { ok: true, name };
}

/**
 * The key names are unique by within an organization: case-folded, so "Prod" and "PROD" collide.
 * Stores index this value. Upper-then-lower folds "ß" and "SS" together as well.
 * @example tokenNameKey('Production') === tokenNameKey('PRODUCTION') // true
 */
export function tokenNameKey(normalizedName: string): string {
  return normalizedName.toUpperCase().toLowerCase();
}
