import { describeManagementApi } from '../../core/test/http/management-cases.js';
import { startExpress } from './app.js';

describeManagementApi('express', startExpress);
