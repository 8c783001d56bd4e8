import { describeGuardCases } from '../../core/test/http/guard-cases.js';
import { startFastify } from './app.js';

describeGuardCases('fastify', startFastify);
