// The public surface of every published package, one declaration file per entry point, committed
// under api/. `pnpm api-report` rewrites them; the test suite fails when the surface changes and
// they were not rewritten, so every change to what users can import shows up in review as a diff.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
      // A plain file (e.g. @keyward/ui/keyward-tokens.js, served to browsers as is) has no types to report.
      if (subpath === './package.json' || typeof target === 'string') continue;
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

/** The report of one entry: its bundled declarations, as a user's editor sees them. */
export async function report(entry: Entry): Promise<string> {
  // Adapters and stores import @keyward/core as users do, through its built declarations.
  if (!entry.dir.endsWith('core') && !existsSync(join(ROOT, 'packages/core/dist/index.d.ts'))) {
    throw new Error('api report: run `pnpm build` first (the other packages\' reports read @keyward/core\'s built types)');
  }
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
