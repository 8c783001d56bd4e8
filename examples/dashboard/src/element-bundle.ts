import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * The `<keyward-tokens>` script the page loads: the file `@keyward/ui` ships
 * (`dist/keyward-tokens.js`, self-registering and minified). In a checkout where the packages
 * were not built yet (`pnpm build`), the same bundle is made from the package's sources.
 */
export async function keywardTokensScript(): Promise<string> {
  try {
    return await readFile(require.resolve('@keyward/ui/keyward-tokens.js'), 'utf8');
  } catch {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../../packages/ui/src/define.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      minify: true,
      target: 'es2022',
      write: false,
    });
    return result.outputFiles[0]!.text;
  }
}
