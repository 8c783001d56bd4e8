// The shared HTTP case tables, on the fastify version this scratch project installed.
import { describeGuardCases, describeManagementApi } from './test-kit/http/index.js';
import { startFastify } from './fastify-app.js';

describeGuardCases('fastify', startFastify);
describeManagementApi('fastify', startFastify);
