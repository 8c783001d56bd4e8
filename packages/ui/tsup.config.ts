import { defineConfig } from 'tsup';

// ESM only: the element runs in browsers. The library entries (the class, `define` that registers
// it, the locales, and the types-only JSX declarations for React, Solid and Vue), plus two
// self-contained minified files a page can load by path with a <script type="module">:
// keyward-tokens.js (registers the element) and keyward-locales.js (German and Arabic).
export default defineConfig([
  {
    entry: { index: 'src/index.ts', define: 'src/define/index.ts', locales: 'src/locales/index.ts', react: 'src/react/index.ts', solid: 'src/solid/index.ts', vue: 'src/vue/index.ts' },
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    external: ['react', 'solid-js', 'vue'],
  },
  {
    entry: { 'keyward-tokens': 'src/define/index.ts', 'keyward-locales': 'src/locales/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    splitting: false,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    outExtension: () => ({ js: '.js' }),
  },
]);
