import { ValidationError } from './errors.js';

/** A day, as keyward counts it: 86 400 000 ms from the creation instant (no calendar, no DST). */
export const DAY_MS = 86_400_000;

/** The expiry choices offered when creating a token. */
export const EXPIRY_PRESETS = ['1d', '7d', '30d', '60d', '90d', 'never'] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];

const PRESET_DAYS: Record<ExpiryPreset, number | null> = {
  '1d': 1,
  '7d': 7,
  '30d': 30,
  '60d': 60,
  '90d': 90,
  never: null,
};

/** Human labels for the presets, for UIs. */
export const EXPIRY_PRESET_LABELS: Record<ExpiryPreset, string> = {
  '1d': '1 day',
  '7d': '7 days',
  '30d': '30 days',
  '60d': '60 days',
  '90d': '90 days',
  never: 'Never',
};

export function isExpiryPreset(value: unknown): value is ExpiryPreset {
  return typeof value === 'string' && Object.hasOwn(PRESET_DAYS, value);
}

/**
 * The `expiresAt` (epoch ms) a token created at `now` with this preset gets, or `null` for `never`.
 * `create` calls this very function, so a preview shown to a user is exactly what is stored.
 * @example previewExpiration('7d', Date.UTC(2026, 0, 1)) // Date.UTC(2026, 0, 8)
 */
export function previewExpiration(preset: ExpiryPreset, now: number): number | null {
  if (!isExpiryPreset(preset)) {
    throw ValidationError.of('expiresIn', `must be one of ${EXPIRY_PRESETS.join(', ')}`);
  }
  if (!Number.isSafeInteger(now)) throw ValidationError.of('now', 'must be an integer epoch in ms');
  const days = PRESET_DAYS[preset];
  return days === null ? null : now + days * DAY_MS;
}

/** A token is expired from its `expiresAt` instant on: valid at `expiresAt - 1`, refused at `expiresAt`. */
export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && now >= expiresAt;
}

/** How long a rolled-away secret keeps verifying: at once (`now`), or for a grace period. */
export const ROLL_GRACE_PRESETS = ['now', '1h', '24h', '3d', '7d'] as const;
export type RollGracePreset = (typeof ROLL_GRACE_PRESETS)[number];

const HOUR_MS = 3_600_000;
const GRACE_MS: Record<RollGracePreset, number> = { now: 0, '1h': HOUR_MS, '24h': 24 * HOUR_MS, '3d': 3 * DAY_MS, '7d': 7 * DAY_MS };

/**
 * Until when (epoch ms) a secret rolled away at `now` keeps verifying, or null for `now` (it stops
 * at once). Never later than the token's own `expiresAt`: a grace period does not outlive the token.
 * @example previousSecretExpiration('24h', Date.UTC(2026, 0, 1), null) // Date.UTC(2026, 0, 2)
 */
export function previousSecretExpiration(grace: RollGracePreset, now: number, tokenExpiresAt: number | null): number | null {
  const ms = GRACE_MS[grace];
  if (ms === 0) return null;
  const end = now + ms;
  return tokenExpiresAt === null ? end : Math.min(end, tokenExpiresAt);
}

/** How soon an expiry counts as "expires soon" in the tokens list. */
export const EXPIRES_SOON_MS = 7 * DAY_MS;
