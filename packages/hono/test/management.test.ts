import { describeManagementApi } from '../../core/test/http/management-cases.js';
import { startHono } from './app.js';

describeManagementApi('hono', startHono);
