import { hash } from 'node:crypto';
import { createKeyward, memoryStore } from '@keyward/core';
import { fill, shuffle } from './lib/fixtures.js';
import { pair } from './lib/measure.js';
import { keywardOn, checkLoop, floorLoop } from './sections/verify.js';
const store = memoryStore();
const tokens = shuffle(await fill(store, 1000, 1000));
const map = new Map<string, any>();
for (const t of tokens) map.set(hash('sha256', t, 'base64url'), store.findByHash(hash('sha256', t, 'base64url')));
const fixed = Date.now();
const kw = process.argv[2] === 'fixednow' ? createKeyward({ store, resolveProject: () => null, now: () => fixed }) : keywardOn(store);
const floor = floorLoop(tokens, (h) => map.get(h));
const t = { rounds: 21, roundMs: 100 };
for (let i = 0; i < 2; i++) { const r = await pair(floor, checkLoop(kw, tokens), t); console.log(process.argv[2] ?? '', 'check / floor time', (1 / r.ratio).toFixed(3), 'floor ns', (1e9 / r.a).toFixed(0)); }
await kw.close();
