import { describeManagementApi } from '@keyward/test-kit/http';
import { startHono } from './app.js';

describeManagementApi('hono', startHono);
