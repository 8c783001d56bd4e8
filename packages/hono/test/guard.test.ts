import { describeGuardCases } from '../../core/test/http/guard-cases.js';
import { startHono } from './app.js';

describeGuardCases('hono', startHono);
