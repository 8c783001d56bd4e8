import { ConfigurationError } from './errors.js';
import type { ProjectInfo } from './scope.js';
import { isPromise } from './store-errors.js';
import type { MaybePromise } from './store.js';

/** The host's project lookup, as `createKeyward({ resolveProject })` takes it. */
export type ProjectResolver = (projectId: string) => MaybePromise<ProjectInfo | null>;

function isProject(value: unknown): value is ProjectInfo {
  if (value === null || typeof value !== 'object') return false;
  const { id, organizationId, name } = value as Partial<Record<keyof ProjectInfo, unknown>>;
  return typeof id === 'string' && typeof organizationId === 'string' && typeof name === 'string';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 80))}`;
  if (Array.isArray(value)) return 'a list';
  return value === null || typeof value !== 'object' ? String(value) : 'an object without string id, organizationId and name';
}

/**
 * The host's resolver, held to its contract: a project, or null (undefined counts as null).
 * Anything else is the host's bug: keyward goes on as if the project did not exist (a guard
 * refuses, create answers "no such project"), so it fails closed, and reports it to `onError`,
 * so the host hears why instead of seeing only 403s.
 * @example const resolve = checkedResolver((id) => db.projects.find(id), console.error);
 */
export function checkedResolver(resolve: ProjectResolver, onError: (error: unknown) => void): ProjectResolver {
  const check = (projectId: string, value: unknown): ProjectInfo | null => {
    if (value === null || value === undefined) return null;
    if (isProject(value)) return value;
    try {
      onError(
        new ConfigurationError(
          `resolveProject(${JSON.stringify(projectId)}) returned ${describe(value)}, not { id, organizationId, name } or null: treated as no such project`,
        ),
      );
    } catch {
      // A broken error hook changes nothing: the request is refused either way.
    }
    return null;
  };
  return (projectId) => {
    const value = resolve(projectId);
    return isPromise(value) ? Promise.resolve(value).then((resolved) => check(projectId, resolved)) : check(projectId, value);
  };
}
