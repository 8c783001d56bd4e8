import { generateToken, crc32, encodeBase62, BASE62_ALPHABET } from '@keyward/core';
import { tokenChecker } from '../../packages/core/src/token-format.js';
function reference(token: string, prefix: string): boolean {
  const s = prefix.length + 1, cs = s + 30;
  if (token.length !== cs + 6 || !token.startsWith(prefix + '_')) return false;
  for (let i = s; i < token.length; i++) if (!BASE62_ALPHABET.includes(token[i]!)) return false;
  return encodeBase62(crc32(token, cs), 6) === token.slice(cs);
}
for (const prefix of ['kw', 'a', 'acme', 'abcdefghijklmnop']) {
  const check = tokenChecker(prefix);
  for (let k = 0; k < 100000; k++) {
    const t = generateToken(prefix);
    if (!check(t)) throw new Error('rejects valid ' + t);
    const pos = k % t.length;
    const m = t.slice(0, pos) + String.fromCharCode(k % 3 === 0 ? (k * 7919) % 0x10000 : (k * 31) % 256) + t.slice(pos + 1);
    if (check(m) !== reference(m, prefix)) throw new Error('mismatch ' + JSON.stringify(m));
  }
}
console.log('ok');
