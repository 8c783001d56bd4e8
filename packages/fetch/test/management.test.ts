import { describeManagementApi } from '../../core/test/http/management-cases.js';
import { startFetch } from './app.js';

describeManagementApi('fetch', startFetch);
