import { describeManagementApi } from '@keyward/test-kit/http';
import { startExpress } from './app.js';

describeManagementApi('express', startExpress);
