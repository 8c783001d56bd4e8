// Child for crash-redis.test.ts: when told `go`, bulk-deletes the given ids of one organization
// and, at the same time, creates new tokens in another, all through keyward on Redis. The test
// SIGKILLs it at a random moment.
import { createKeyward, type Actor } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { Redis } from 'ioredis';

const [port, keyPrefix] = process.argv.slice(2) as [string, string];
const client = new Redis({ host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: 1, commandTimeout: 5000 });
const keyward = createKeyward({
  store: redisStore({ client, keyPrefix }),
  // Each trial's inserting organization owns one project: proj_ins_<n> belongs to org_ins_<n>.
  resolveProject: (id) => (id.startsWith('proj_ins_') ? { id, organizationId: `org_ins_${id.slice('proj_ins_'.length)}`, name: 'Crash' } : null),
  onError: () => {},
});

interface Go {
  id: number;
  type: 'go';
  deleter: Actor;
  ids: string[];
  inserter: Actor;
  inserts: number;
  /** A project of the inserter's organization. */
  projectId: string;
  /** Distinguishes this trial's names from earlier ones. */
  label: string;
}

process.on('message', (message: Go) => {
  if (message.type !== 'go') return;
  process.send!({ event: 'started' });
  const started = performance.now();
  const deletion = keyward.deleteMany(message.deleter, message.ids);
  const inserts = Promise.all(
    Array.from({ length: message.inserts }, (_, i) =>
      keyward.create(message.inserter, {
        name: `${message.label} ${i}`,
        scope: i % 2 === 0 ? { kind: 'project', projectId: message.projectId } : { kind: 'organization' },
        expiresIn: i % 3 === 0 ? 'never' : '7d',
      }),
    ),
  );
  Promise.all([deletion, inserts]).then(
    ([{ deleted }, created]) => process.send!({ id: message.id, result: { deleted, created: created.length, ms: performance.now() - started } }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  client.disconnect();
  process.exit(0);
});
client.once('ready', () => process.send!({ event: 'ready' }));
