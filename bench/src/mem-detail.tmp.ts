import { createContext } from './lib/context.js';
import { redisStore } from '@keyward/redis';
import { fill } from './lib/fixtures.js';
const ctx = createContext(true);
try {
  const { client, prefix } = ctx.redisStoreClient();
  await fill(redisStore({ client, keyPrefix: prefix }), 20000, 0);
  const groups = new Map<string, [number, number]>();
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    const sizes = await Promise.all(batch.map((k) => client.memory('USAGE', k, 'SAMPLES', 0)));
    batch.forEach((k, i) => {
      const g = k.slice(prefix.length).replace(/^h:.*/, 'h:*').replace(/\{o:[^}]*\}/, '{o}').replace(/\{p:[^}]*\}/, '{p}');
      const e = groups.get(g) ?? [0, 0]; e[0] += Number(sizes[i]); e[1]++; groups.set(g, e);
    });
  } while (cursor !== '0');
  for (const [g, [b, n]] of groups) console.log(g, n, 'keys', (b / 20000).toFixed(1), 'B/token');
  const sample = (await client.scan('0', 'MATCH', `${prefix}h:*`, 'COUNT', 100))[1][0]!;
  console.log(sample, await client.hgetall(sample));
} finally { await ctx.cleanup(); }
