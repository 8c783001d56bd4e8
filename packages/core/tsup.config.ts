import { defineConfig } from 'tsup';
import base from '../../tsup.config.base.js';

// Three entry points: the root API, the adapter authors' HTTP layer, the host test kit. Splitting
// (also for CJS) makes them share one copy of each module, so `instanceof KeywardError` holds
// across entry points.
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/http/index.ts', 'src/testing/index.ts'], splitting: true });
