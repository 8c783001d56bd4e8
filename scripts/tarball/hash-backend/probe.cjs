// Creates and verifies a token through the installed @keyward/core, without and with a pepper,
// and checks the stored hash against WebCrypto's SHA-256 / HMAC-SHA-256 (an implementation
// that is neither of keyward's backends, present on every runtime). Takes the module so that ESM,
// CommonJS and a Worker bundle share it.
const admin = { userId: 'u1', organizationId: 'org_1', role: 'admin' };
const PEPPER = 'a pepper of 16+ characters';

const base64url = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function webCryptoHash(token, pepper) {
  const data = new TextEncoder().encode(token);
  if (!pepper) return base64url(await crypto.subtle.digest('SHA-256', data));
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pepper), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(await crypto.subtle.sign('HMAC', key, data));
}

/** One line per case: `<plain|peppered> <verified> <stored hash is WebCrypto's>`. */
async function probe({ createKeyward, memoryStore }) {
  const lines = [];
  for (const pepper of [undefined, PEPPER]) {
    const inner = memoryStore();
    const looked = [];
    const store = { ...inner, findByHash: (hash) => (looked.push(hash), inner.findByHash(hash)) };
    const keyward = createKeyward({ store, resolveProject: () => null, ...(pepper ? { pepper } : {}) });
    const { plaintext } = await keyward.create(admin, { name: 'probe', scope: { kind: 'organization' }, expiresIn: '1d' });
    const { ok } = await keyward.verify(plaintext);
    lines.push(`${pepper ? 'peppered' : 'plain'} ${ok} ${looked[0] === (await webCryptoHash(plaintext, pepper))}`);
    await keyward.close();
  }
  return lines;
}

module.exports = { probe };
