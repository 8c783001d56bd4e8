import { hash } from 'node:crypto';
import { BASE62_ALPHABET, generateToken } from '@keyward/core';
import { tokenChecker } from '../../packages/core/src/token-format.js';
import { pair } from './lib/measure.js';
const T0 = new Int32Array(256);
for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; T0[n] = c; }
const T1 = new Int32Array(256), T2 = new Int32Array(256), T3 = new Int32Array(256);
for (let n = 0; n < 256; n++) { T1[n] = T0[T0[n]! & 0xff]! ^ (T0[n]! >>> 8); T2[n] = T0[T1[n]! & 0xff]! ^ (T1[n]! >>> 8); T3[n] = T0[T2[n]! & 0xff]! ^ (T2[n]! >>> 8); }
const OK = new Uint8Array(256); for (let i = 0; i < 62; i++) OK[BASE62_ALPHABET.charCodeAt(i)] = 1;
const DIG = new Int8Array(256).fill(-1); for (let i = 0; i < 62; i++) DIG[BASE62_ALPHABET.charCodeAt(i)] = i;
let init = -1; for (const ch of 'kw_') init = T0[(init ^ ch.charCodeAt(0)) & 0xff]! ^ (init >>> 8);
function v2(token: string): boolean {
  if (token.length !== 39 || !token.startsWith('kw_')) return false;
  let crc = init, ok = 1;
  for (let i = 3; i < 33; i += 3) {
    const a = token.charCodeAt(i), b = token.charCodeAt(i + 1), c = token.charCodeAt(i + 2);
    ok &= OK[a & 0xff]! & OK[b & 0xff]! & OK[c & 0xff]! & ((a | b | c) >>> 8 === 0 ? 1 : 0);
    crc = T0[(crc ^ a) & 0xff]! ^ (crc >>> 8);
    crc = T0[(crc ^ b) & 0xff]! ^ (crc >>> 8);
    crc = T0[(crc ^ c) & 0xff]! ^ (crc >>> 8);
  }
  if (ok === 0) return false;
  let checksum = 0;
  for (let i = 33; i < 39; i++) { const code = token.charCodeAt(i); const d = code > 0xff ? -1 : DIG[code]!; if (d < 0) return false; checksum = checksum * 62 + d; }
  return checksum === (~crc >>> 0);
}
function v4(token: string): boolean {
  if (token.length !== 39 || !token.startsWith('kw_')) return false;
  let crc = init, ok = 1;
  let i = 3;
  for (; i < 31; i += 4) {
    const a = token.charCodeAt(i), b = token.charCodeAt(i + 1), c = token.charCodeAt(i + 2), d = token.charCodeAt(i + 3);
    ok &= OK[a & 0xff]! & OK[b & 0xff]! & OK[c & 0xff]! & OK[d & 0xff]! & ((a | b | c | d) >>> 8 === 0 ? 1 : 0);
    const w = crc ^ (a | (b << 8) | (c << 16) | (d << 24));
    crc = T3[w & 0xff]! ^ T2[(w >>> 8) & 0xff]! ^ T1[(w >>> 16) & 0xff]! ^ T0[w >>> 24]!;
  }
  for (; i < 33; i++) { const a = token.charCodeAt(i); ok &= OK[a & 0xff]! & (a >>> 8 === 0 ? 1 : 0); crc = T0[(crc ^ a) & 0xff]! ^ (crc >>> 8); }
  if (ok === 0) return false;
  let checksum = 0;
  for (let j = 33; j < 39; j++) { const code = token.charCodeAt(j); const d = code > 0xff ? -1 : DIG[code]!; if (d < 0) return false; checksum = checksum * 62 + d; }
  return checksum === (~crc >>> 0);
}
const cur = tokenChecker('kw');
const tokens = Array.from({ length: 1000 }, () => JSON.parse(JSON.stringify(generateToken('kw'))) as string);
for (let k = 0; k < 200000; k++) { const t = tokens[k % 1000]!; const pos = k % 39; const m = t.slice(0, pos) + String.fromCharCode((k * 7919) % 300) + t.slice(pos + 1); if (v2(m) !== cur(m) || v4(m) !== cur(m)) throw new Error('mismatch ' + m); }
const set = new Set(tokens.map((t) => hash('sha256', t, 'base64url')));
const L = (f: (t: string) => boolean) => (ops: number) => { let c = 0; for (let i = 0; i < ops; i++) { const t = tokens[i % 1000]!; if (f(t) && set.has(hash('sha256', t, 'base64url'))) c++; } if (c !== ops) throw new Error('x'); };
const floor = L(() => true);
for (const [n, f] of [['cur', cur], ['v2', v2], ['v4', v4], ['cur', cur], ['v2', v2], ['v4', v4]] as const) { const r = await pair(floor, L(f), { rounds: 11, roundMs: 150 }); console.log(n, (1 / r.ratio).toFixed(3), (1e9 / r.b - 1e9 / r.a).toFixed(0), 'ns'); }
