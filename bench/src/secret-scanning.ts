// Issue #24 item 3: one GitHub secret scanning report of 1 000 tokens must be answered within 5 s.
// Worst case for work: every token real (1 000 lookups, 1 000 deletions with their audit entries).
// Run: npx tsx bench/src/secret-scanning.ts
import Database from 'better-sqlite3';
import { createKeyward, memoryStore, type TokenStore } from '@keyward/core';
import { createSecretScanningEndpoint } from '@keyward/core/http';
import { sqliteStore } from '@keyward/sqlite';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { fakeGitHub } from '@keyward/test-kit/http';

async function run(name: string, store: TokenStore, mode: 'revoke' | 'flag'): Promise<void> {
  const keyward = createKeyward({ store, resolveProject, onError: () => {} });
  const github = fakeGitHub();
  const endpoint = createSecretScanningEndpoint({ keyward, mode, fetchKeys: github.fetchKeys });
  const reports = [];
  for (let i = 0; i < 1000; i++) {
    const { plaintext } = await keyward.create(ACTORS.owner, { name: `t${i}`, scope: { kind: 'organization' }, expiresIn: 'never' });
    reports.push({ token: plaintext, type: 'keyward_api_token', url: `https://github.com/o/r/blob/0/f.txt#L${i}`, source: 'content' });
  }
  const text = JSON.stringify(reports);
  const body = new TextEncoder().encode(text);
  const started = performance.now();
  const answer = await endpoint.handle({ keyId: github.keyId, signature: github.sign(text), body });
  const ms = performance.now() - started;
  const labels = (answer.body as { label: string }[]).filter((item) => item.label === 'true_positive').length;
  console.log(`${name.padEnd(8)} ${mode.padEnd(6)} 1000 tokens (${(body.byteLength / 1024).toFixed(0)} KiB): ${answer.status}, ${labels} true_positive, ${ms.toFixed(0)} ms (first request: includes the key fetch)`);
  await keyward.close();
}

await run('memory', memoryStore(), 'revoke');
await run('memory', memoryStore(), 'flag');
await run('sqlite', sqliteStore({ db: new Database(':memory:') }), 'revoke');
await run('sqlite', sqliteStore({ db: new Database(':memory:') }), 'flag');
