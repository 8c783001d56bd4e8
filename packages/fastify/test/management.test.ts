import { describeManagementApi } from '@keyward/test-kit/http';
import { startFastify } from './app.js';

describeManagementApi('fastify', startFastify);
