// Verify on the SQLite built into Bun (bun:sqlite), Node 22 and 24 and Deno (node:sqlite), each
// beside its floor measured in the same process: SHA-256 as core computes it there + the very
// SELECT keyward prepares, through the same driver (runtimes/sqlite-driver-verify.ts). The
// runtimes and the bundler are the runtime matrix's (examples/runtime-matrix).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleSqliteDrivers } from '../../../examples/runtime-matrix/src/bundle.js';
import { nodeBinary } from '../../../scripts/tarball/peers.js';
import type { BenchContext } from '../lib/context.js';
import type { PairResult } from '../lib/measure.js';
import { opsPerSec, times, type Row } from '../lib/report.js';

const SECTION = 'Verify on the runtimes\' built-in SQLite (1 000 tokens)';
const bin = (name: string) => fileURLToPath(new URL(`../../../examples/runtime-matrix/node_modules/.bin/${name}`, import.meta.url));

const RUNTIMES: ReadonlyArray<{ name: string; command: () => Promise<[string, string[]]> }> = [
  { name: 'Bun', command: async () => [bin('bun'), []] },
  { name: 'Node 24', command: async () => [await nodeBinary(24), ['--no-warnings']] },
  { name: 'Node 22', command: async () => [await nodeBinary(22), ['--no-warnings']] },
  { name: 'Deno', command: async () => [bin('deno'), ['run', '--no-prompt', '--allow-read', '--allow-write', '--allow-env', '--allow-sys']] },
];

interface Report {
  driver: string;
  runtime: string;
  check: PairResult;
  verify: PairResult;
}

export async function sqliteDriversSection(ctx: BenchContext): Promise<Row[]> {
  const program = await bundleSqliteDrivers(ctx.tmp, { path: fileURLToPath(new URL('../runtimes/sqlite-driver-verify.ts', import.meta.url)), name: 'sqlite-driver-verify' });
  const rows: Row[] = [];
  for (const runtime of RUNTIMES) {
    const [command, args] = await runtime.command();
    const { stdout } = await promisify(execFile)(command, [...args, program, JSON.stringify(ctx.timing)], { timeout: 600_000, maxBuffer: 4 * 1024 * 1024 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as Report;
    const floor = `SHA-256 + the same prepared SELECT (${report.driver})`;
    rows.push({
      section: SECTION,
      label: `${report.runtime}, ${report.driver} (WAL, file), check()`,
      value: opsPerSec(report.check.b),
      baseline: `${opsPerSec(report.check.a)} ${floor}`,
      ratio: `${times(1 / report.check.ratio)} floor time`,
      target: '≤ 2× floor time (guard rail, as on better-sqlite3)',
      met: 1 / report.check.ratio <= 2,
    });
    rows.push({
      section: SECTION,
      label: `${report.runtime}, ${report.driver} (WAL, file), await verify()`,
      value: opsPerSec(report.verify.b),
      baseline: `${opsPerSec(report.verify.a)} ${floor}`,
      ratio: `${times(1 / report.verify.ratio)} floor time`,
      target: '(info)',
      met: null,
    });
  }
  return rows;
}
