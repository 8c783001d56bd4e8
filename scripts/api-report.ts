// The public surface of every published package, one declaration file per entry point, committed
// under api/. `pnpm api-report` rewrites them; the test suite fails when the surface changes and
// they were not rewritten, so every change to what users can import shows up in review as a diff.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPORT_DIR = join(ROOT, 'api');

interface Entry {
  /** Report file name, e.g. `core.http.d.ts`. */
  report: string;
  /** Package folder. */
  dir: string;
  /** Source file of the entry point. */
  source: string;
}

/** Every entry point of every published (non-private) package, from its `exports` map. */
export function entries(): Entry[] {
  const found: Entry[] = [];
  for (const folder of readdirSync(join(ROOT, 'packages')).sort()) {
    const dir = join(ROOT, 'packages', folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private?: boolean; exports?: Record<string, unknown> };
    if (manifest.private || !manifest.exports) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      // Code entries map conditions (import/require, each with its types); a plain path is a file
      // shipped as is (package.json, @keyward/postgres/sql/*), with no API to report.
      if (typeof target === 'string') continue;
      const name = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
      found.push({ report: `${folder}${subpath === '.' ? '' : `.${subpath.slice(2)}`}.d.ts`, dir, source: join(dir, 'src', `${name}.ts`) });
    }
  }
  return found;
}

/** Comments and blank lines out: the report is about types, and JSDoc edits should not churn it. */
function normalize(declarations: string): string {
  return `${declarations
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .join('\n')}\n`;
}

/** The newest modification time of a file or of any file under a folder, in ms. */
function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path, { recursive: true, encoding: 'utf8' }).map((name) => statSync(join(path, name)).mtimeMs));
}

/**
 * The declarations `pnpm build` wrote for `entry`, when they are exactly what `report` would build:
 * the package builds that one entry with the shared tsup config (same entry, tsconfig and dts
 * options, so the same bundled text), and its dist is newer than everything it was built from.
 * Otherwise null, and the report is built. Each build is a TypeScript program of its own (about
 * 5 s of CPU); `pnpm test` has just built these, so the test reads them rather than build twice.
 */
function freshBuiltDeclarations(entry: Entry): string | null {
  if (entry.source !== join(entry.dir, 'src', 'index.ts')) return null;
  const config = readFileSync(join(entry.dir, 'tsup.config.ts'), 'utf8').trim();
  if (config !== "export { default } from '../../tsup.config.base.js';") return null;
  const built = join(entry.dir, 'dist', 'index.d.ts');
  const builtAt = newest(built);
  const inputs = [join(entry.dir, 'src'), join(entry.dir, 'tsconfig.json'), join(entry.dir, 'package.json'), join(ROOT, 'tsup.config.base.ts'), join(ROOT, 'tsconfig.base.json'), join(ROOT, 'packages/core/dist'), join(ROOT, 'pnpm-lock.yaml')];
  if (builtAt === 0 || inputs.some((input) => newest(input) > builtAt)) return null;
  return readFileSync(built, 'utf8');
}

/** The report of one entry: its bundled declarations, as a user's editor sees them. */
export async function report(entry: Entry): Promise<string> {
  // Adapters and stores import @keyward/core as users do, through its built declarations.
  if (!entry.dir.endsWith('core') && !existsSync(join(ROOT, 'packages/core/dist/index.d.ts'))) {
    throw new Error('api report: run `pnpm build` first (the other packages\' reports read @keyward/core\'s built types)');
  }
  const built = freshBuiltDeclarations(entry);
  if (built !== null) return normalize(built);
  const out = mkdtempSync(join(tmpdir(), 'keyward-api-'));
  try {
    await build({
      entry: { index: entry.source },
      format: ['esm'],
      dts: { only: true },
      outDir: out,
      tsconfig: join(entry.dir, 'tsconfig.json'),
      config: false,
      silent: true,
    });
    return normalize(readFileSync(join(out, 'index.d.ts'), 'utf8'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const entry of entries()) {
    writeFileSync(join(REPORT_DIR, entry.report), await report(entry));
    console.log(`wrote api/${entry.report}`);
  }
}
