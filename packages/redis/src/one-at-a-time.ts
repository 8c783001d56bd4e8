/**
 * Runs the tasks given for one key one after another, in the order they were given; tasks of
 * different keys run side by side. Holds a key only while one of its tasks runs or waits.
 *
 * Why the Redis store needs it: a roll or an update is a compare-and-set on the token's record,
 * and N concurrent ones in a process all read the same record, so each round only one wins: the
 * last of 60 needed ~60 rounds (40 of 60 rolls gave up after 20, measured). Queued, a process
 * sends one change of a token at a time and the compare-and-set only meets other processes.
 * @example
 * const serial = oneAtATime();
 * await Promise.all([serial('org_1\ntok_a', () => roll(a)), serial('org_1\ntok_a', () => roll(b))]); // b after a
 */
export function oneAtATime(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    // A tail never rejects, so a failed task does not stop the ones queued behind it.
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
