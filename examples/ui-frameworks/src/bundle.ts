import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

// Pages import '@keyward/ui/define' as any app would. Inside this monorepo it is bundled from the
// package's sources, so the pages always show the current code, built or not; an app outside
// takes the installed package (dist/define.js) without this alias.
const UI_ALIAS = { '@keyward/ui/define': fileURLToPath(new URL('../../../packages/ui/src/define/index.ts', import.meta.url)) };

/**
 * Bundles one page script for the browser with esbuild: ESM, minified, production builds of
 * React and Vue, no network.
 * @example await bundlePage(new URL('../pages/react.tsx', import.meta.url))
 */
export async function bundlePage(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    jsx: 'automatic',
    write: false,
    alias: UI_ALIAS,
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  });
  return result.outputFiles[0]!.text;
}

/** The element alone, for pages that load it with a script tag. */
export function bundleElement(): Promise<string> {
  return bundlePage(new URL('./element-entry.ts', import.meta.url));
}
