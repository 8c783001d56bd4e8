import { describeManagementApi } from '@keyward/test-kit/http';
import { startFetch } from './app.js';

describeManagementApi('fetch', startFetch);
