import { describeManagementApi } from '../../core/test/http/management-cases.js';
import { startFastify } from './app.js';

describeManagementApi('fastify', startFastify);
