// `pnpm bench [--quick] [--only=section,section]`: runs every section, prints one table and writes
// docs/benchmarks.md. Each figure is measured in this run beside its baseline.
import { createContext } from './lib/context.js';
import { notes, textTable, type Row } from './lib/report.js';
import { cacheSection } from './sections/cache.js';
import { httpSection } from './sections/http.js';
import { peerSection } from './sections/peer.js';
import { scaleSection } from './sections/scale.js';
import { verifySection } from './sections/verify.js';
import { writesSection } from './sections/writes.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

const SECTIONS: Array<[name: string, run: typeof verifySection]> = [
  ['verify', verifySection],
  ['cache', cacheSection],
  ['http', httpSection],
  ['scale', scaleSection],
  ['writes', writesSection],
  ['peer', peerSection],
];

const ctx = createContext(quick);
const rows: Row[] = [];
try {
  for (const [name, run] of SECTIONS) {
    if (only && !only.includes(name)) continue;
    const started = performance.now();
    process.stderr.write(`[bench] ${name}…`);
    rows.push(...(await run(ctx)));
    process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log(textTable(rows));
  for (const note of notes(rows)) console.log(`note: ${note}`);
} finally {
  await ctx.cleanup();
}
