// docs/security.md gives the regular expression a host registers with GitHub's secret scanning
// partner program. Registered wrong, leaks go unreported: the one in the doc must be the one
// keyward computes, and must find real tokens (made by createKeyward) in text, whole.
import { createKeyward, memoryStore, secretScanningPattern } from '@keyward/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../src/markdown.js';

function documentedPattern(): string {
  const markdown = readFileSync(join(ROOT, 'docs/security.md'), 'utf8');
  const match = /this regular expression for your prefix:\n\n<!-- excerpt -->\n```\n(.+)\n```/.exec(markdown);
  if (!match) throw new Error('docs/security.md: the block after "this regular expression for your prefix:" was not found');
  return match[1]!;
}

test('docs/security.md: the regular expression to register is secretScanningPattern("kw"), and it finds real tokens whole', async () => {
  const documented = documentedPattern();
  expect(documented).toBe(secretScanningPattern('kw'));
  const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });
  const other = createKeyward({ store: memoryStore(), resolveProject: () => null, prefix: 'acme' });
  const admin = { userId: 'u1', organizationId: 'org_1', role: 'owner' } as const;
  const scope = { kind: 'organization' } as const;
  for (let i = 0; i < 50; i++) {
    const { plaintext } = await keyward.create(admin, { name: `t${i}`, scope, expiresIn: 'never' });
    const text = `const key = "${plaintext}";\nexport API_KEY=${plaintext}\n`;
    expect(text.match(new RegExp(documented, 'g'))).toEqual([plaintext, plaintext]);
    // A token one character longer or shorter is not a keyward token: no partial match.
    expect(`${plaintext}x`.match(new RegExp(documented, 'g'))).toBeNull();
    const foreign = (await other.create(admin, { name: `t${i}`, scope, expiresIn: 'never' })).plaintext;
    expect(foreign.match(new RegExp(documented))).toBeNull();
  }
  await Promise.all([keyward.close(), other.close()]);
});
