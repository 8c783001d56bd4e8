/** How a bounded wait ended: the step finished, failed (threw or rejected), or ran out of time. */
export type Settled = { outcome: 'done' } | { outcome: 'failed'; error: unknown } | { outcome: 'timed out' };

/**
 * Runs `step` and waits for it at most `timeoutMs`; never rejects. A step that settles after the
 * bound is left to itself, its rejection handled, so it cannot crash the process. The timer is
 * cleared as soon as the step settles. It is not unref'd: it lives at most `timeoutMs`, and it is
 * what lets the caller go on when the step holds nothing that keeps the process alive (unref'd,
 * Node could exit in the middle of the wait and skip whatever follows it).
 * @example const settled = await settleWithin(() => store.close?.(), 5000); // { outcome: 'timed out' }
 */
export async function settleWithin(step: () => unknown, timeoutMs: number): Promise<Settled> {
  const settled = Promise.resolve()
    .then(step)
    .then(
      (): Settled => ({ outcome: 'done' }),
      (error: unknown): Settled => ({ outcome: 'failed', error }),
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<Settled>((resolve) => (timer = setTimeout(() => resolve({ outcome: 'timed out' }), timeoutMs)));
  try {
    return await Promise.race([settled, bound]);
  } finally {
    clearTimeout(timer);
  }
}
