import { defineConfig } from 'tsup';

/** Every published package builds the same way: ESM + CJS + .d.ts from src/index.ts. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // esbuild renames classes that collide while bundling (ValidationError → _ValidationError);
  // errors take their `name` from the class, and users read it.
  keepNames: true,
});
