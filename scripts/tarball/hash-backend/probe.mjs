// ESM: prints the probe's lines (Node, Bun, Deno).
import * as core from '@keyward/core';
import probeModule from './probe.cjs';

console.log((await probeModule.probe(core)).join('\n'));
