import { createServer } from 'node:http';
import { secretScanningRouter } from '@keyward/express';
import { SECRET_SCANNING_PATH, describeSecretScanning, listen } from '@keyward/test-kit/http';
import express from 'express';

// As a host mounts it: before its own JSON parser, which must not see the signed bytes.
describeSecretScanning('express', async (options) => {
  const app = express();
  app.use(SECRET_SCANNING_PATH, secretScanningRouter(options));
  app.use(express.json());
  return listen(createServer(app));
});
