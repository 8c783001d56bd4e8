import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { describeRedisStore } from './conformance.js';
import { FAIL_FAST } from '@keyward/test-kit/redis-keys';

const client = new Redis({ ...FAIL_FAST, port: 6379 });

afterAll(async () => {
  await client.quit();
});

describeRedisStore('redisStore (standalone)', () => client);
