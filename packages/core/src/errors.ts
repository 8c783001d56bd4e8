import { withoutDriverData } from './driver-error.js';

/**
 * Every `code` a KeywardError carries, one per error class. A union, so `switch (error.code)` is
 * checked for exhaustiveness; each class narrows it to its own code.
 */
export const KEYWARD_ERROR_CODES = Object.freeze([
  'VALIDATION_FAILED',
  'INVALID_CONFIGURATION',
  'FORBIDDEN',
  'TOKEN_NOT_FOUND',
  'NAME_TAKEN',
  'FEATURE_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'STORE_FAILED',
  'CLOSED',
  'KEYS_UNAVAILABLE',
  'CLOSE_TIMED_OUT',
] as const);

/** The `code` of a KeywardError: see KEYWARD_ERROR_CODES. */
export type KeywardErrorCode = (typeof KEYWARD_ERROR_CODES)[number];

/**
 * Every error keyward throws on purpose. `code` is stable and UPPER_SNAKE; branch on it, not on the message.
 * @example
 * try { await keyward.create(actor, input); } catch (error) {
 *   if (!(error instanceof KeywardError)) throw error;
 *   switch (error.code) {
 *     case 'VALIDATION_FAILED': case 'NAME_TAKEN': return showFormError(error);
 *     case 'FORBIDDEN': case 'TOKEN_NOT_FOUND': return showNotAllowed();
 *     case 'STORE_UNAVAILABLE': case 'CLOSED': case 'KEYS_UNAVAILABLE': return retryLater();
 *     case 'INVALID_CONFIGURATION': case 'STORE_FAILED': throw error;
 *     case 'CLOSE_TIMED_OUT': return; // only ever reported to onError
 *     default: return error.code satisfies never;
 *   }
 * }
 */
export class KeywardError extends Error {
  readonly code: KeywardErrorCode;

  constructor(code: KeywardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem with an input, located by its path (e.g. `scope.projectId`, `ids.3`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Input that does not satisfy keyward's rules. `field` names the first offending field;
 * `issues` lists all of them.
 * @example
 * catch (error) { if (error instanceof ValidationError) form.showError(error.field, error.message); }
 */
export class ValidationError extends KeywardError {
  declare readonly code: 'VALIDATION_FAILED';
  readonly field: string;
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], options?: { cause?: unknown }) {
    const first = issues[0] ?? { path: '', message: 'invalid input' };
    super('VALIDATION_FAILED', first.path ? `${first.path}: ${first.message}` : first.message, options);
    this.field = first.path;
    this.issues = issues;
  }

  static of(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/**
 * Bad options passed to a keyward factory; thrown at construction, never per request.
 * @example createKeyward({ store: memoryStore(), resolveProject, prefix: 'Bad!' }) // throws ConfigurationError
 */
export class ConfigurationError extends KeywardError {
  declare readonly code: 'INVALID_CONFIGURATION';
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_CONFIGURATION', message, options);
  }
}

/**
 * The actor's role does not allow this operation.
 * @example await keyward.list({ userId: 'u', organizationId: 'o', role: 'member' }) // rejects with ForbiddenError
 */
export class ForbiddenError extends KeywardError {
  declare readonly code: 'FORBIDDEN';
  constructor(message = 'only organization owners and admins can manage API tokens') {
    super('FORBIDDEN', message);
  }
}

/**
 * No token with this id in the actor's organization (also for other organizations' tokens, so existence does not leak).
 * @example catch (error) { if (error instanceof TokenNotFoundError) console.log(error.ids); }
 */
export class TokenNotFoundError extends KeywardError {
  declare readonly code: 'TOKEN_NOT_FOUND';
  readonly ids: readonly string[];

  constructor(ids: readonly string[]) {
    super('TOKEN_NOT_FOUND', ids.length === 1 ? `no token with id "${ids[0]}"` : `no tokens with ids ${ids.map((id) => `"${id}"`).join(', ')}`);
    this.ids = ids;
  }
}

/**
 * Another token of the organization already has this name (compared case-insensitively).
 * @example await keyward.create(actor, { name: 'ci', scope, expiresIn: '7d' }) // rejects when "CI" exists
 */
export class NameTakenError extends KeywardError {
  declare readonly code: 'NAME_TAKEN';
  readonly field = 'name';

  constructor(name: string) {
    super('NAME_TAKEN', `a token named "${name}" already exists in this organization`);
  }
}

/**
 * The store could not answer (connection refused, timeout, read-only file…). Callers must fail
 * closed: a request whose token could not be checked is refused with 503, never let through.
 * Stores throw it; they know which of their driver's errors mean "could not reach the data".
 * `cause` keeps the driver error's class, message and code only (see `withoutDriverData`).
 * @example throw new StoreUnavailableError('redis store: findByHash failed: Connection is closed.', { cause: error });
 */
export class StoreUnavailableError extends KeywardError {
  declare readonly code: 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options && 'cause' in options ? { cause: withoutDriverData(options.cause) } : options);
  }
}

/**
 * The store answered with something its contract forbids (a TypeError, an id collision, an
 * unreadable row): a bug, not an outage. Callers fail closed as for an outage, but retrying will
 * not help, so the HTTP layer answers 500 and reports it to `onError`. `cause` keeps the driver
 * error's class, message and code only (see `withoutDriverData`).
 * @example catch (error) { if (error instanceof StoreFailedError) alertOnCall(error.cause); }
 */
export class StoreFailedError extends KeywardError {
  declare readonly code: 'STORE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_FAILED', message, options && 'cause' in options ? { cause: withoutDriverData(options.cause) } : options);
  }
}

/**
 * A contract v3 feature this instance does not run: turned off, or the store cannot carry it
 * (HTTP 501). Turning a feature on explicitly with a store that lacks it fails at startup instead.
 * @example await keyward.auditLog(admin) // rejects with FeatureUnavailableError when audit is off
 */
export class FeatureUnavailableError extends KeywardError {
  declare readonly code: 'FEATURE_UNAVAILABLE';
  readonly feature: string;

  constructor(feature: string) {
    super('FEATURE_UNAVAILABLE', `${feature} is not available: it is turned off, or the token store cannot carry it`);
    this.feature = feature;
  }
}

/**
 * The keyward instance was closed; no further operations are accepted (HTTP 503 `CLOSED`).
 * @example await keyward.close(); await keyward.verify(token) // rejects with ClosedError
 */
export class ClosedError extends KeywardError {
  declare readonly code: 'CLOSED';
  constructor() {
    super('CLOSED', 'this keyward instance has been closed');
  }
}

/** Which step of `keyward.close()` ran out of time: the final writes, the cache's channel, the store's own close(). */
export type CloseStep = 'writes' | 'cache' | 'store';

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

const CLOSE_TIMEOUT_MESSAGES: Record<CloseStep, (timeoutMs: number, lastUsedUpdates: number, usageCounts: number) => string> = {
  writes: (ms, lastUsed, usage) =>
    `keyward.close(): the store did not confirm the final writes within ${ms} ms; closed without them, dropping ${count(lastUsed, 'last-used update')} and ${count(usage, 'usage count')} (a write already sent may still land)`,
  cache: (ms) => `keyward cache: the invalidation channel did not close within ${ms} ms; closed without waiting for it`,
  store: (ms) => `keyward.close(): the store's close() did not finish within ${ms} ms; closed without waiting for it`,
};

/**
 * A step of `keyward.close()` did not finish within `closeTimeoutMs` (a store or channel on a
 * silent connection), so close() went on without it. Reported to `onError`, never thrown:
 * close() still resolves. `step` says which: `'writes'`, the final last-used updates and usage
 * counts, of which `lastUsedUpdates` and `usageCounts` (rows: one per token and UTC day) were not
 * confirmed written and are dropped; `'cache'`, the invalidation channel's subscription;
 * `'store'`, the store's own `close()`.
 * @example onError: (error) => { if (error instanceof CloseTimeoutError) log.warn(error.lastUsedUpdates, error.usageCounts); }
 */
export class CloseTimeoutError extends KeywardError {
  declare readonly code: 'CLOSE_TIMED_OUT';
  readonly step: CloseStep;
  /** The bound that ran out, ms. */
  readonly timeoutMs: number;
  /** Last-used updates not confirmed written (step `'writes'`; 0 otherwise). */
  readonly lastUsedUpdates: number;
  /** Usage count rows not confirmed written (step `'writes'`; 0 otherwise). */
  readonly usageCounts: number;

  constructor(step: CloseStep, timeoutMs: number, dropped: { lastUsedUpdates: number; usageCounts: number } = { lastUsedUpdates: 0, usageCounts: 0 }) {
    super('CLOSE_TIMED_OUT', CLOSE_TIMEOUT_MESSAGES[step](timeoutMs, dropped.lastUsedUpdates, dropped.usageCounts));
    this.step = step;
    this.timeoutMs = timeoutMs;
    this.lastUsedUpdates = dropped.lastUsedUpdates;
    this.usageCounts = dropped.usageCounts;
  }
}
