// The shared HTTP case tables, on the hono version this scratch project installed.
import { describeGuardCases } from './guard-cases.js';
import { startHono } from './hono-app.js';
import { describeManagementApi } from './management-cases.js';

describeGuardCases('hono', startHono);
describeManagementApi('hono', startHono);
