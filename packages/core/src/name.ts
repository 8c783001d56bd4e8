export const NAME_MAX_LENGTH = 100;

// C0, DEL and C1 controls, plus line/paragraph separators: none belong in a one-line label (or an id).
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// Characters that change nothing the eye sees, or reorder what it sees: zero-width spaces and
// joiners, bidi overrides and isolates, soft hyphens, a BOM, variation selectors, fillers. Left
// in, "Deploy", "Deploy\u200B" and "\u202EyolpeD" are three names that all display as "Deploy".
const INVISIBLE_CHARS = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

// Emoji sequences are the one place such characters are visible: ZWJ joins 👨‍👩‍👧, VS16 makes ❤️.
// They are taken out whole before the check, so a lone joiner or selector is still refused.
// (RegExp() rather than a literal: the v flag is newer than the ES2022 the types target; Node 20 has it.)
const EMOJI_SEQUENCES = new RegExp('\\p{RGI_Emoji}', 'gv');

/**
 * Normalizes a token name: NFC, trimmed. Returns the problem as a string when the result is not
 * a valid name (empty, over 100 characters, control characters, invisible format characters
 * outside emoji), so schemas can report it.
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
  if (INVISIBLE_CHARS.test(name.replace(EMOJI_SEQUENCES, ''))) {
    return { ok: false, message: 'must not contain invisible or direction-changing characters (zero-width spaces, bidi controls, …)' };
  }
  return { ok: true, name };
}

/**
 * The key names are unique by within an organization: case-folded, so "Prod" and "PROD" collide.
 * Stores index this value. Upper-then-lower folds "ß" and "SS" together as well. It drops nothing:
 * names that could hide a difference (invisible characters) are refused before they get a key,
 * so two names with the same key look the same, and two that look different never share one.
 * @example tokenNameKey('Production') === tokenNameKey('PRODUCTION') // true
 */
export function tokenNameKey(normalizedName: string): string {
  return normalizedName.toUpperCase().toLowerCase();
}
