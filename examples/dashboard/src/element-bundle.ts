import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * The `<keyward-tokens>` script the page loads: `@keyward/ui/define` bundled with esbuild, the
 * same self-registering minified file the package ships as `dist/keyward-tokens.js`. Inside this
 * monorepo it is made from the package's sources, so the demo always shows the current code; an
 * app outside would serve `node_modules/@keyward/ui/dist/keyward-tokens.js` as a static file.
 */
export async function keywardTokensScript(): Promise<string> {
  const result = await build({
    stdin: { contents: "import '@keyward/ui/define';", resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    alias: { '@keyward/ui/define': fileURLToPath(new URL('../../../packages/ui/src/define/index.ts', import.meta.url)) },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0]!.text;
}
