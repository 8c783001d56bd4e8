import { isWellFormedToken, generateToken, BASE62_ALPHABET } from '@keyward/core';
const T0 = new Uint32Array(256), T1 = new Uint32Array(256), T2 = new Uint32Array(256), T3 = new Uint32Array(256);
for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; T0[n] = c >>> 0; }
for (let n = 0; n < 256; n++) { T1[n] = (T0[T0[n]! & 0xff]! ^ (T0[n]! >>> 8)) >>> 0; T2[n] = (T0[T1[n]! & 0xff]! ^ (T1[n]! >>> 8)) >>> 0; T3[n] = (T0[T2[n]! & 0xff]! ^ (T2[n]! >>> 8)) >>> 0; }
const DIG = new Int8Array(256).fill(-1); for (let i = 0; i < 62; i++) DIG[BASE62_ALPHABET.charCodeAt(i)] = i;
function makeChecker(prefix: string) {
  let init = 0xffffffff;
  const body = prefix + '_';
  for (let i = 0; i < body.length; i++) init = T0[(init ^ body.charCodeAt(i)) & 0xff]! ^ (init >>> 8);
  const s = body.length, cs = s + 30, len = cs + 6;
  return function simple(token: string): boolean {
    if (token.length !== len || !token.startsWith(body)) return false;
    let crc = init;
    for (let i = s; i < cs; i++) {
      const code = token.charCodeAt(i);
      if (code > 255 || DIG[code]! < 0) return false;
      crc = T0[(crc ^ code) & 0xff]! ^ (crc >>> 8);
    }
    let checksum = 0;
    for (let i = cs; i < len; i++) { const code = token.charCodeAt(i); const d = code > 255 ? -1 : DIG[code]!; if (d < 0) return false; checksum = checksum * 62 + d; }
    return checksum === (crc ^ 0xffffffff) >>> 0;
  };
}
function makeChecker4(prefix: string) {
  let init = 0xffffffff;
  const body = prefix + '_';
  for (let i = 0; i < body.length; i++) init = T0[(init ^ body.charCodeAt(i)) & 0xff]! ^ (init >>> 8);
  const s = body.length, cs = s + 30, len = cs + 6;
  return function sliced(token: string): boolean {
    if (token.length !== len || !token.startsWith(body)) return false;
    let crc = init;
    let i = s;
    let bad = 0;
    for (; i + 4 <= cs; i += 4) {
      const a = token.charCodeAt(i), b = token.charCodeAt(i + 1), c = token.charCodeAt(i + 2), d = token.charCodeAt(i + 3);
      bad |= (a | b | c | d) & 0xff00; bad |= DIG[a & 0xff]! | DIG[b & 0xff]! | DIG[c & 0xff]! | DIG[d & 0xff]!;
      const w = crc ^ (a | (b << 8) | (c << 16) | (d << 24));
      crc = T3[w & 0xff]! ^ T2[(w >>> 8) & 0xff]! ^ T1[(w >>> 16) & 0xff]! ^ T0[w >>> 24]!;
    }
    for (; i < cs; i++) { const code = token.charCodeAt(i); bad |= (code & 0xff00) | DIG[code & 0xff]!; crc = T0[(crc ^ code) & 0xff]! ^ (crc >>> 8); }
    if (bad < 0 || bad & 0xff00) return false;
    let checksum = 0;
    for (i = cs; i < len; i++) { const code = token.charCodeAt(i); const dd = code > 255 ? -1 : DIG[code]!; if (dd < 0) return false; checksum = checksum * 62 + dd; }
    return checksum === (crc ^ 0xffffffff) >>> 0;
  };
}
const tokens = Array.from({ length: 1000 }, () => generateToken('kw'));
const a = makeChecker('kw'), b = makeChecker4('kw');
for (const t of tokens) if (!a(t) || !b(t)) throw new Error('bad');
// mutate and compare
for (let k = 0; k < 100000; k++) { const t = tokens[k % 1000]!; const pos = k % t.length; const ch = String.fromCharCode((k * 7919) % 300); const m = t.slice(0, pos) + ch + t.slice(pos + 1); if (a(m) !== isWellFormedToken(m, 'kw') || b(m) !== a(m)) throw new Error('mismatch ' + m); }
const run = (name: string, f: (t: string) => boolean) => { const n = 2e6; const t0 = performance.now(); let c = 0; for (let i = 0; i < n; i++) if (f(tokens[i % 1000]!)) c++; console.log(name, ((performance.now() - t0) * 1e6 / n).toFixed(1), c === n); };
for (let r = 0; r < 4; r++) { run('orig', (t) => isWellFormedToken(t, 'kw')); run('simple', a); run('sliced4', b); }
const INV = new Uint8Array(65536).fill(1); for (let i = 0; i < 62; i++) INV[BASE62_ALPHABET.charCodeAt(i)] = 0;
const VAL = new Int32Array(65536).fill(-1); for (let i = 0; i < 62; i++) VAL[BASE62_ALPHABET.charCodeAt(i)] = i;
function makeChecker5(prefix: string) {
  let init = 0xffffffff;
  const body = prefix + '_';
  for (let i = 0; i < body.length; i++) init = T0[(init ^ body.charCodeAt(i)) & 0xff]! ^ (init >>> 8);
  const s = body.length, cs = s + 30, len = cs + 6;
  return function branchless(token: string): boolean {
    if (token.length !== len || !token.startsWith(body)) return false;
    let crc = init;
    let bad = 0;
    for (let i = s; i < cs; i++) {
      const code = token.charCodeAt(i);
      bad |= INV[code]!;
      crc = T0[(crc ^ code) & 0xff]! ^ (crc >>> 8);
    }
    let checksum = 0;
    for (let i = cs; i < len; i++) { const d = VAL[token.charCodeAt(i)]!; if (d < 0) return false; checksum = checksum * 62 + d; }
    return bad === 0 && checksum === (crc ^ 0xffffffff) >>> 0;
  };
}
const e = makeChecker5('kw');
for (let k = 0; k < 100000; k++) { const t = tokens[k % 1000]!; const pos = k % t.length; const ch = String.fromCharCode((k * 7919) % 300); const m = t.slice(0, pos) + ch + t.slice(pos + 1); if (e(m) !== isWellFormedToken(m, 'kw')) throw new Error('mismatch5 ' + m); }
for (let r = 0; r < 4; r++) { run('simple', a); run('branchless', e); }
