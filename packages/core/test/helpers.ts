import { createKeyward, memoryStore, type Actor, type KeywardEvent, type KeywardOptions, type ProjectInfo, type TokenStore } from '@keyward/core';

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

export const projects: Record<string, ProjectInfo> = {
  proj_a1: { id: 'proj_a1', organizationId: 'org_a', name: 'Website' },
  proj_a2: { id: 'proj_a2', organizationId: 'org_a', name: 'Mobile app' },
  proj_b1: { id: 'proj_b1', organizationId: 'org_b', name: 'Other org project' },
};

export const owner: Actor = { userId: 'u_owner', organizationId: 'org_a', role: 'owner' };
export const admin: Actor = { userId: 'u_admin', organizationId: 'org_a', role: 'admin' };
export const member: Actor = { userId: 'u_member', organizationId: 'org_a', role: 'member' };
export const otherAdmin: Actor = { userId: 'u_other', organizationId: 'org_b', role: 'admin' };

/** Counts every call a store receives, so tests can prove a path never reached the store. */
export function countingStore(inner: TokenStore = memoryStore()): TokenStore & { calls: Record<string, number>; touched: number } {
  const calls: Record<string, number> = {};
  const counted = { calls, touched: 0 } as TokenStore & { calls: Record<string, number>; touched: number };
  for (const key of ['insert', 'findByHash', 'get', 'list', 'deleteMany', 'deleteByProject', 'deleteExpired', 'touch'] as const) {
    (counted as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      calls[key] = (calls[key] ?? 0) + 1;
      if (key === 'touch') counted.touched += (args[0] as unknown[]).length;
      return (inner[key] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return counted;
}

/** A keyward on a counting memory store with a hand-moved clock and a recorded event log. */
export function setup(overrides: Partial<KeywardOptions> = {}) {
  const clock = { now: T0 };
  const events: KeywardEvent[] = [];
  const store = countingStore();
  const keyward = createKeyward({
    store,
    resolveProject: (id) => projects[id] ?? null,
    now: () => clock.now,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { keyward, store, clock, events };
}
