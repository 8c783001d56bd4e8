// docs/testing.md's Vitest example, as a host app would write it.
import { createTestKeyward } from '@keyward/core/testing';
import { expect, test } from 'vitest';

test('an expired token is refused', async () => {
  const kw = createTestKeyward();
  const { plaintext } = await kw.mint({ expiresIn: '1d' });
  kw.clock.advance('1d');
  expect(await kw.keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'EXPIRED' });
});
