import { secretScanningPlugin } from '@keyward/fastify';
import { SECRET_SCANNING_PATH, describeSecretScanning } from '@keyward/test-kit/http';
import Fastify from 'fastify';

describeSecretScanning('fastify', async (options) => {
  const app = Fastify();
  await app.register(secretScanningPlugin, { ...options, prefix: SECRET_SCANNING_PATH });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
});
