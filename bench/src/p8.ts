import { memoryStore } from '@keyward/core';
import { fill, shuffle } from './lib/fixtures.js';
import { keywardOn, checkLoop } from './sections/verify.js';
const store = memoryStore();
const tokens = shuffle(await fill(store, 1000, 1000));
const kw = keywardOn(store);
const c = checkLoop(kw, tokens);
const t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 4000) { c(100000); n += 100000; }
console.log('ns/op', ((performance.now() - t0) * 1e6 / n).toFixed(0));
await kw.close();
