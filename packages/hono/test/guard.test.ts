import { requireToken } from '@keyward/hono';
import { describeGuardCases } from '@keyward/test-kit/http';
import { startHono } from './app.js';

describeGuardCases('hono', startHono, requireToken);
