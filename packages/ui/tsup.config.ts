import { defineConfig } from 'tsup';

// ESM only: the element runs in browsers. Two library entries (the class, and `define` that
// registers it) plus one self-registering minified bundle a page can load with a <script> tag.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', define: 'src/define/index.ts' },
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
  },
  {
    entry: { 'keyward-tokens': 'src/define/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    outExtension: () => ({ js: '.js' }),
  },
]);
