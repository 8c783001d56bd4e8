// `pnpm bench [--quick] [--only=section,section]`: runs every section, prints one table and writes
// docs/benchmarks.md. Each figure is measured in this run beside its baseline.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createContext } from './lib/context.js';
import { benchmarksDocument } from './lib/document.js';
import { describeMachine, load } from './lib/machine.js';
import { notes, textTable, type Row } from './lib/report.js';
import { cacheSection } from './sections/cache.js';
import { d1Section } from './sections/d1.js';
import { hooksSection } from './sections/hooks.js';
import { limitsSection } from './sections/limits.js';
import { httpSection } from './sections/http.js';
import { pagesSection } from './sections/pages.js';
import { peerSection } from './sections/peer.js';
import { postgresHttpSection, postgresSection } from './sections/postgres.js';
import { postgresCacheSection } from './sections/postgres-cache.js';
import { redisMemorySection } from './sections/redis-memory.js';
import { scaleSection } from './sections/scale.js';
import { sqliteDriversSection } from './sections/sqlite-drivers.js';
import { verifySection } from './sections/verify.js';
import { writesSection } from './sections/writes.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

const SECTIONS: Array<[name: string, run: typeof verifySection]> = [
  ['verify', verifySection],
  ['sqlite-drivers', sqliteDriversSection],
  ['postgres', postgresSection],
  ['d1', d1Section],
  ['cache', cacheSection],
  ['postgres-cache', postgresCacheSection],
  ['http', httpSection],
  ['postgres-http', postgresHttpSection],
  ['hooks', hooksSection],
  ['limits', limitsSection],
  ['scale', scaleSection],
  ['redis-memory', redisMemorySection],
  ['pages', pagesSection],
  ['writes', writesSection],
  ['peer', peerSection],
];

const ctx = createContext(quick);
const rows: Row[] = [];
const machine = await describeMachine(ctx.redis);
const started = performance.now();
try {
  for (const [name, run] of SECTIONS) {
    if (only && !only.includes(name)) continue;
    const sectionStarted = performance.now();
    process.stderr.write(`[bench] ${name}… (load ${load()})`);
    rows.push(...(await run(ctx)));
    process.stderr.write(` ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s\n`);
  }
  console.log(textTable(rows));
  for (const note of notes(rows)) console.log(`note: ${note}`);
  // A partial run (--only) prints its table but leaves the document of the last full run alone.
  if (!only) {
    const document = benchmarksDocument(rows, machine, {
      quick,
      seconds: (performance.now() - started) / 1000,
      loadAfter: load(),
      date: new Date().toISOString().slice(0, 10),
    });
    const target = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
    writeFileSync(target, document);
    console.log(`\nwrote ${target}`);
  }
} finally {
  await ctx.cleanup();
}
