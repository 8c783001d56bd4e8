// redisInvalidations: close() returns even when the subscriber connection has gone silent (no
// commandTimeout on it, so UNSUBSCRIBE would wait forever), through a loopback proxy that stalls it.
import { redisInvalidations } from '@keyward/redis';
import { sleep, waitUntil } from '@keyward/test-kit/net';
import { randomPrefix } from '@keyward/test-kit/redis-keys';
import { startTcpProxy } from '@keyward/test-kit/tcp-proxy';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';

test('a subscriber stalled without closing (and without a commandTimeout): the subscription\'s close() resolves (within 1000 ms)', async () => {
  const proxy = await startTcpProxy(6379);
  const client = new Redis({ host: '127.0.0.1', port: 6379 });
  const subscriber = new Redis({ host: '127.0.0.1', port: proxy.port });
  try {
    let proven = 0;
    const subscription = redisInvalidations({ client, subscriber, keyPrefix: randomPrefix('close-stall') }).subscribe(
      { invalidate() {}, proven: () => void proven++, lost() {} },
      { heartbeatMs: 50, onError: () => {} },
    );
    await waitUntil('a heartbeat to come back', () => proven > 0);
    proxy.setMode('stall');
    const outcome = await Promise.race([subscription.close().then(() => 'closed'), sleep(10_000).then(() => 'still open')]);
    expect(outcome).toBe('closed');
  } finally {
    subscriber.disconnect();
    client.disconnect();
    await proxy.close();
  }
});
