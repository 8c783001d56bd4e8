import { ConfigurationError } from './errors.js';

/** The host's permission catalog: each name (`resource:action`) with the description a settings page shows. */
export type PermissionCatalog = Readonly<Record<string, string>>;

/** One entry of the catalog, as the management API lists it. */
export interface PermissionInfo {
  name: string;
  description: string;
}

// Lowercase `resource:action`, e.g. `builds:read`: no wildcards or spaces, so a granted name means
// exactly one thing and a guard's list is plain string equality.
const PERMISSION_NAME = /^[a-z][a-z0-9_.-]{0,63}:[a-z][a-z0-9_-]{0,63}$/;

/**
 * Whether `name` is a well-formed permission name (`resource:action`, lowercase).
 * @example isPermissionName('builds:read') // true
 */
export function isPermissionName(name: unknown): name is string {
  return typeof name === 'string' && PERMISSION_NAME.test(name);
}

/**
 * Checks the `permissions` option of `createKeyward()` once, at startup: a frozen list sorted by
 * name, or undefined when the host declares none (tokens then carry no permissions).
 * @example resolvePermissionCatalog({ 'builds:read': 'Read builds' }) // [{ name: 'builds:read', description: 'Read builds' }]
 */
export function resolvePermissionCatalog(catalog: PermissionCatalog | undefined): readonly PermissionInfo[] | undefined {
  if (catalog === undefined) return undefined;
  if (catalog === null || typeof catalog !== 'object' || Array.isArray(catalog)) {
    throw new ConfigurationError("permissions must be an object such as { 'builds:read': 'Read builds' }");
  }
  const entries = Object.entries(catalog);
  if (entries.length === 0) throw new ConfigurationError('permissions must declare at least one permission (or be left out)');
  for (const [name, description] of entries) {
    if (!isPermissionName(name)) {
      throw new ConfigurationError(`permissions: ${JSON.stringify(name)} is not a permission name; use lowercase resource:action such as "builds:read" (no wildcards or spaces)`);
    }
    if (typeof description !== 'string' || description.trim() === '' || description.length > 200) {
      throw new ConfigurationError(`permissions["${name}"] must be a description of 1-200 characters`);
    }
  }
  return Object.freeze(
    entries
      .map(([name, description]) => Object.freeze({ name, description }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  );
}

/**
 * The catalog's names, for messages that say what a typo should have been.
 * @example declaredNames(new Set(['builds:read', 'deploys:write'])) // 'builds:read, deploys:write'
 */
export function declaredNames(names: ReadonlySet<string>): string {
  return [...names].join(', ');
}

/**
 * Why `required` cannot be what a route or a `verify()` call demands, or null when it can: a
 * non-empty list of names the catalog (`names`) declares. The guard asks at startup and `verify()`
 * on each call, so a typo is refused the same way in both, instead of quietly refusing every token.
 * @example requiredPermissionsProblem(['builds:raed'], new Set(['builds:read'])) // 'permissions: "builds:raed" is not in the catalog …'
 */
export function requiredPermissionsProblem(required: unknown, names: ReadonlySet<string>): string | null {
  if (!Array.isArray(required) || required.length === 0) return 'permissions must be a non-empty list of permission names';
  if (names.size === 0) return 'permissions needs a catalog: declare createKeyward({ permissions: { … } })';
  for (const name of required) {
    if (typeof name !== 'string' || !names.has(name)) {
      return `permissions: ${JSON.stringify(name)} is not in the catalog given to createKeyward(), which declares ${declaredNames(names)}`;
    }
  }
  return null;
}

/**
 * The names of `required` that `granted` lacks, in the order required; empty when every one is granted.
 * A token without permissions (created while the host declared none) holds none of them.
 * @example missingPermissions(['builds:read'], ['builds:read', 'deploys:write']) // ['deploys:write']
 */
export function missingPermissions(granted: readonly string[] | null, required: readonly string[]): string[] {
  const missing: string[] = [];
  for (const name of required) if (granted === null || !granted.includes(name)) missing.push(name);
  return missing;
}

/**
 * Whether `granted` holds every name of `required` (a token without permissions holds none).
 * @example holdsAll(['builds:read', 'deploys:write'], ['deploys:write']) // true
 */
export function holdsAll(granted: readonly string[] | null, required: readonly string[]): boolean {
  if (granted === null) return required.length === 0;
  for (const name of required) if (!granted.includes(name)) return false;
  return true;
}
