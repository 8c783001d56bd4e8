// The shared HTTP case tables, on the express version this scratch project installed.
import { describeGuardCases, describeManagementApi } from './test-kit/http/index.js';
import { startExpress } from './express-app.js';

describeGuardCases('express', startExpress);
describeManagementApi('express', startExpress);
