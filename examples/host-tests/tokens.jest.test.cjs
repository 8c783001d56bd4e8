// docs/testing.md's Jest example, as a host app would write it (CommonJS).
const { createTestKeyward } = require('@keyward/core/testing');

test('a deleted token is refused', async () => {
  const kw = createTestKeyward();
  const { plaintext, token } = await kw.mint();
  await kw.keyward.delete(kw.actor, token.id);
  expect(await kw.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
});
