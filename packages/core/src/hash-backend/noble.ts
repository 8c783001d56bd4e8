import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { HashBackend } from './backend.js';

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The pure-JS backend, for runtimes without node:crypto (workerd without nodejs_compat, browsers, edge). */
export const nobleBackend: HashBackend = {
  name: '@noble/hashes',
  sha256: (token) => toBase64Url(sha256(utf8ToBytes(token))),
  hmacSha256(pepper) {
    const key = utf8ToBytes(pepper);
    return (token) => toBase64Url(hmac(sha256, key, utf8ToBytes(token)));
  },
};
