import { requireToken } from '@keyward/fastify';
import { describeGuardCases } from '@keyward/test-kit/http';
import { startFastify } from './app.js';

describeGuardCases('fastify', startFastify, requireToken);
