// Documentation snippets that use Redis write under a key prefix of their own process
// (`docs-example:${process.pid}:`), so they can run beside each other and beside themselves, and
// must leave nothing under it: a reader who runs one should not find keys behind.

/**
 * The Redis key prefixes a snippet passes as `keyPrefix` (an option or a `const keyPrefix`), with
 * `${process.pid}` read as `pid`.
 * @example keyPrefixesOf("redisStore({ client, keyPrefix: `app:${process.pid}:` })", 42) // ['app:42:']
 */
export function keyPrefixesOf(code: string, pid: number): string[] {
  const prefixes = new Set<string>();
  for (const [, , text] of code.matchAll(/\bkeyPrefix\s*[:=]\s*(['"`])(.*?)\1/g)) prefixes.add(text!.replaceAll('${process.pid}', String(pid)));
  return [...prefixes];
}

/** Whether a snippet talks to Redis. */
export const usesRedis = (code: string): boolean => /from ['"]ioredis['"]/.test(code);
