// Read replicas: verification must read the primary. A replica applies the primary's WAL with a
// lag, so a token deleted (and answered "deleted") on the primary would still verify there.
// The store takes one pool and refuses one that reaches a standby.
import { ConfigurationError } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitUntil } from '@keyward/test-kit/net';
import { startCluster, type Cluster } from './cluster.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

let primary: Cluster;
let standby: Cluster;
const pools: pg.Pool[] = [];

function pool(cluster: Cluster): pg.Pool {
  const created = new pg.Pool({ ...cluster.server, database: 'postgres', max: 2, connectionTimeoutMillis: 5000 });
  created.on('error', () => {});
  pools.push(created);
  return created;
}

beforeAll(async () => {
  primary = await startCluster();
  standby = await startCluster({ standbyOf: primary });
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => {})));
  await standby?.destroy();
  await primary?.destroy();
});

describe('postgresStore and read replicas', () => {
  test('a pool on a standby is refused at first use with a ConfigurationError saying to use the primary, for every operation', async () => {
    const onPrimary = postgresStore({ pool: pool(primary) });
    const record = makeRecord();
    expect(await onPrimary.insert(record)).toBe('ok');
    // The row reaches the standby: it would answer, which is exactly the danger.
    const replica = pool(standby);
    await waitUntil('the standby to replay the insert', async () => (await replica.query('SELECT 1 FROM public.keyward_tokens WHERE id = $1', [record.id])).rowCount === 1);

    for (const migrate of [true, false]) {
      const onStandby = postgresStore({ pool: replica, migrate });
      for (const operation of [() => onStandby.findByHash(record.hash), () => onStandby.get('org_1', record.id), () => onStandby.list('org_1', { limit: 1 })] as Array<() => unknown>) {
        const error = await Promise.resolve().then(operation).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toMatch(/standby.*primary/);
      }
    }
    expect(await onPrimary.findByHash(record.hash)).toEqual(record);
  });
});
