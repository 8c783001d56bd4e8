// `pnpm --filter express-api start` (`node --import tsx src/server.ts`): the API on
// http://127.0.0.1:3001, tokens in Redis.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { closeOnSignals } from '../../shared/graceful-shutdown.js';
import { SERVER_TIMEOUTS } from '../../shared/server-timeouts.js';
import { createApi } from './app.js';

// Fail fast when Redis is down, so requests get 503 instead of waiting.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, commandTimeout: 1000 });
const { app, keyward } = createApi({ redis });
const port = Number(process.env.PORT ?? 3001);
// Not app.listen(): it cannot pass the timeouts that cut off clients sending their request too slowly.
const server = createServer(SERVER_TIMEOUTS, app).listen(port, '127.0.0.1', () => console.log(`express-api on http://127.0.0.1:${port}/`));

// On SIGTERM/SIGINT: stop accepting connections, finish the requests in flight, close keep-alive
// connections, flush pending last-used writes, disconnect from Redis, exit 0.
closeOnSignals(server, {
  close: async () => {
    await keyward.close();
    await redis.quit();
  },
});
