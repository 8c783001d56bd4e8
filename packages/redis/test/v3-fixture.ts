// Loads fixtures/v3-keys.json (keys written by schema 3, see fixtures/generate-v3.ts) under a fresh
// key prefix, as a store of that version would have left them.
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import type { V1Fixture } from './v1-fixture.js';
import { loadFixtureKeys } from './v2-fixture.js';

export const v3Fixture = JSON.parse(readFileSync(new URL('./fixtures/v3-keys.json', import.meta.url), 'utf8')) as V1Fixture;

/** Writes every v3 fixture key under `keyPrefix` (the previous secret's lookup key expires in a day). */
export const loadV3Fixture = (client: Redis | Cluster, keyPrefix: string): Promise<void> => loadFixtureKeys(v3Fixture, client, keyPrefix);
