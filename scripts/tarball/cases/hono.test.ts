// The shared HTTP case tables, on the hono version this scratch project installed.
import { describeGuardCases, describeManagementApi } from './test-kit/http/index.js';
import { startHono } from './hono-app.js';

describeGuardCases('hono', startHono);
describeManagementApi('hono', startHono);
