// Pages stay flat on SQLite: the "next page" query must let SQLite bound the index range with the
// cursor, so a page 100 000 rows deep reads about as much as the first one. Checked on the plan
// SQLite chooses for the very statement the store prepared (captured from the caller's handle),
// not on timing; bench/src/sections/pages.ts measures the times.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, type Actor } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const owner: Actor = { userId: 'u_pages', organizationId: 'org_pages', role: 'owner' };

describe('pages stay flat on SQLite', () => {
  test('EXPLAIN QUERY PLAN of the next-page query: 1 SEARCH bounded by (created_at, id) on the organization index, 0 OR branches, 0 temp sorts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-pages-'));
    const db = new Database(join(dir, 'pages.db'));
    cleanups.push(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // Every statement the store prepares on the caller's handle, by its SQL.
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;

    const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null });
    const insert = db.prepare('INSERT INTO keyward_tokens (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      // Ties on created_at, so the cursor's id matters, and two organizations, so the org bound matters.
      for (let i = 0; i < 3000; i++) insert.run(`tok_${String(i).padStart(6, '0')}`, i % 2 ? 'org_pages' : 'org_other', `t${i}`, `t${i}`, 'organization', `h${i}`, 'kw_abcd', 1_000 + Math.floor(i / 3), 'u');
    })();
    // Statistics as a long-lived database has them (PRAGMA optimize runs ANALYZE).
    db.exec('ANALYZE');

    // Walk two pages through the public API, so the store runs its next-page statement.
    const first = await keyward.list(owner, { limit: 50 });
    const second = await keyward.list(owner, { limit: 50, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(50);
    await keyward.close();

    const pageQueries = prepared.filter((sql) => /ORDER BY created_at DESC, id DESC/.test(sql) && /created_at\s*[<(,]/.test(sql.split('WHERE')[1] ?? ''));
    expect(pageQueries).toHaveLength(1);
    const sql = pageQueries[0]!;
    const parameters = (sql.match(/\?/g) ?? []).length;
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...placeholders(parameters))
      .map((row) => (row as { detail: string }).detail);
    console.log(`[pages] next-page query plan: ${JSON.stringify(plan)}`);

    expect(plan.filter((step) => step.startsWith('SEARCH'))).toHaveLength(1);
    expect(plan[0]).toMatch(/^SEARCH keyward_tokens USING INDEX keyward_tokens_org_created \(organization_id=\? AND \(created_at,id\)<\(\?,\?\)\)$/);
    expect(plan.filter((step) => step.includes('OR'))).toEqual([]);
    expect(plan.filter((step) => step.includes('TEMP B-TREE'))).toEqual([]);
  });
});

/** Values for a page query's parameters: organization, cursor instant(s), cursor id, limit. */
function placeholders(count: number): unknown[] {
  // organization_id, then the cursor, then the limit; the cursor's instant may appear twice (the OR form).
  return count === 4 ? ['org_pages', 1_500, 'tok_001500', 50] : ['org_pages', 1_500, 1_500, 'tok_001500', 50];
}
