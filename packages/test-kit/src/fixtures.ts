// The one fixture set every test suite uses: an instant, three projects in two organizations, and
// one actor per role. Tests that need other data build it beside themselves.
import { memoryStore, type Actor, type ProjectInfo } from '@keyward/core';
import { createTestKeyward, type TestKeyward, type TestKeywardOptions } from '@keyward/core/testing';
import { countingStore, type CountingStore } from './stores.js';

/** The instant every test starts at: a fixed clock, so expiry is decided by the test, not by time passing. */
export const T0 = Date.UTC(2026, 0, 1);

export const PROJECTS: readonly ProjectInfo[] = [
  { id: 'proj_a1', organizationId: 'org_a', name: 'Alpha web' },
  { id: 'proj_a2', organizationId: 'org_a', name: 'Alpha api' },
  { id: 'proj_b1', organizationId: 'org_b', name: 'Beta web' },
];

/** The host's project resolver over PROJECTS. */
export const resolveProject = (id: string): ProjectInfo | null => PROJECTS.find((p) => p.id === id) ?? null;

export const ACTORS = {
  owner: { userId: 'u_owner', organizationId: 'org_a', role: 'owner' },
  admin: { userId: 'u_admin', organizationId: 'org_a', role: 'admin' },
  member: { userId: 'u_member', organizationId: 'org_a', role: 'member' },
  otherOwner: { userId: 'u_other_owner', organizationId: 'org_b', role: 'owner' },
  otherAdmin: { userId: 'u_other', organizationId: 'org_b', role: 'admin' },
  /** Owner of "org_a " (a trailing space): an organization the host let someone create beside org_a. */
  impostor: { userId: 'u_impostor', organizationId: 'org_a ', role: 'owner' },
} as const satisfies Record<string, Actor>;
export type ActorName = keyof typeof ACTORS;

export interface Clock {
  now: () => number;
  set(at: number): void;
  advance(ms: number): void;
}

/** A clock that moves only when the test moves it. */
export function fixedClock(start = T0): Clock {
  let at = start;
  return { now: () => at, set: (next) => (at = next), advance: (ms) => (at += ms) };
}

/**
 * A keyward on a counting memory store over the fixture projects, with a hand-moved clock and
 * a recorded event log: core's own `createTestKeyward`, with this fixture set.
 */
export function setup(overrides: TestKeywardOptions = {}): TestKeyward & { store: CountingStore } {
  const store = countingStore(memoryStore());
  return { ...createTestKeyward({ projects: PROJECTS, actor: ACTORS.owner, start: T0, ...overrides, store }), store };
}
