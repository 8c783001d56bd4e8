import type { KeywardEvent } from '../events.js';
import { DAY_MS, EXPIRY_PRESETS, type ExpiryPreset } from '../expiry.js';
import { ConfigurationError } from '../errors.js';
import { createKeyward, type Keyward } from '../keyward.js';
import type { CreatedToken } from '../token-info.js';
import { memoryStore } from '../memory-store.js';
import type { KeywardOptions } from '../options.js';
import type { CreateTokenInput } from '../schemas.js';
import type { Actor, ProjectInfo } from '../scope.js';
import type { TokenStore } from '../store.js';

/** A clock that moves only when the test moves it. */
export interface TestClock {
  /** Epoch ms. */
  now(): number;
  /** Jumps to an instant (epoch ms). */
  set(at: number): void;
  /** Moves forward by milliseconds or by an expiry preset, e.g. `advance('30d')`. */
  advance(by: number | Exclude<ExpiryPreset, 'never'>): void;
}

export interface TestKeywardOptions extends Partial<Omit<KeywardOptions, 'now' | 'resolveProject'>> {
  /** The actor `mint()` creates tokens as. Default: an owner of organization `org_test`. */
  actor?: Actor;
  /** The host's projects. Default: any project id belongs to the actor's organization. */
  projects?: readonly ProjectInfo[];
  /** Where the clock starts (epoch ms). Default 2026-01-01T00:00:00Z. */
  start?: number;
}

export interface TestKeyward {
  /** The service under test, on a fresh memory store. */
  keyward: Keyward;
  /** The store behind it, for assertions on what was written. */
  store: TokenStore;
  clock: TestClock;
  /** Every audit event, in order. */
  events: KeywardEvent[];
  /** The default actor (an owner unless `actor` was given). */
  actor: Actor;
  /**
   * Creates a token in one line; everything defaults (organization scope, no expiry, a unique name).
   * @example const { plaintext } = await kw.mint({ scope: { kind: 'project', projectId: 'proj_1' } });
   */
  mint(input?: Partial<CreateTokenInput>, actor?: Actor): Promise<CreatedToken>;
}

const PRESET_DAYS: Record<Exclude<ExpiryPreset, 'never'>, number> = { '1d': 1, '7d': 7, '30d': 30, '60d': 60, '90d': 90 };

/**
 * A keyward for a host app's own tests: a memory store, a clock the test moves, the audit events
 * recorded, and `mint()` to get a working token in one line.
 * @example
 * import { createTestKeyward } from '@keyward/core/testing';
 * const kw = createTestKeyward();
 * const { plaintext } = await kw.mint({ expiresIn: '7d' });
 * kw.clock.advance('7d');
 * await kw.keyward.verify(plaintext); // { ok: false, code: 'EXPIRED', tokenId: 'tok_…' }
 */
export function createTestKeyward(options: TestKeywardOptions = {}): TestKeyward {
  const { actor = { userId: 'user_test', organizationId: 'org_test', role: 'owner' }, projects, start = Date.UTC(2026, 0, 1), ...rest } = options;
  let at = start;
  const clock: TestClock = {
    now: () => at,
    set: (next) => {
      at = next;
    },
    advance: (by) => {
      if (typeof by === 'number') {
        at += by;
        return;
      }
      const days = PRESET_DAYS[by];
      if (days === undefined) throw new ConfigurationError(`clock.advance(by): by must be milliseconds or one of ${EXPIRY_PRESETS.filter((p) => p !== 'never').join(', ')}, got ${JSON.stringify(by)}`);
      at += days * DAY_MS;
    },
  };
  const events: KeywardEvent[] = [];
  const store = rest.store ?? memoryStore();
  const keyward = createKeyward({
    ...rest,
    store,
    now: clock.now,
    onEvent: (event) => {
      events.push(event);
      rest.onEvent?.(event);
    },
    resolveProject: (id) => (projects ? (projects.find((p) => p.id === id) ?? null) : { id, organizationId: actor.organizationId, name: id }),
  });
  let minted = 0;
  return {
    keyward,
    store,
    clock,
    events,
    actor,
    mint: (input = {}, as = actor) =>
      keyward.create(as, { name: `Test token ${++minted}`, scope: { kind: 'organization' }, expiresIn: 'never', ...input }),
  };
}
