// D1 verify throughput in Miniflare (workerd with its local D1) beside its floor: SHA-256 of the
// token and the same prepared SELECT keyward runs, through the same binding. Both run inside one
// Worker (d1/worker.ts), N operations per request with 16 in flight; Node times the requests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { bundleWorker } from '../../../examples/runtime-matrix/src/bundle.js';
import type { BenchContext } from '../lib/context.js';
import { pair } from '../lib/measure.js';
import { opsPerSec, percent, type Row } from '../lib/report.js';

const SECTION = 'D1 verify in Miniflare (1 000 tokens)';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function d1Section(ctx: BenchContext): Promise<Row[]> {
  // Miniflare wants the script below the directory it runs in.
  const outdir = here('../../.out');
  mkdirSync(outdir, { recursive: true });
  const mf = new Miniflare({
    modules: true,
    scriptPath: await bundleWorker(here('../d1/worker.ts'), join(outdir, 'd1-bench-worker.mjs'), { nodejsCompat: true }),
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: 'keyward-bench' },
  });
  ctx.onCleanup(() => mf.dispose());
  const call = async (path: string) => {
    const response = await mf.dispatchFetch(`http://bench${path}`);
    if (!response.ok) throw new Error(`the D1 bench Worker answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  await call('/setup?count=1000');
  const floor = (ops: number) => call(`/floor?ops=${ops}`);
  const verify = (ops: number) => call(`/verify?ops=${ops}`);
  const result = await pair(floor, verify, ctx.timing);
  return [
    {
      section: SECTION,
      label: 'D1, await verify() ×16 concurrent in one Worker (first-primary session per call)',
      value: opsPerSec(result.b),
      baseline: `${opsPerSec(result.a)} SHA-256 + the same prepared SELECT through the same binding (×16)`,
      ratio: `${percent(result.ratio)} of floor`,
      target: '≥ 90 % of floor',
      met: result.ratio >= 0.9,
      explain: 'Both sides make one D1 query per token through the same binding; keyward adds the checksum, expiry and scope checks, a session object per call and the batched last-used write.',
    },
  ];
}
