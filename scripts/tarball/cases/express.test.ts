// The shared HTTP case tables, on the express version this scratch project installed.
import { startExpress } from './express-app.js';
import { describeGuardCases } from './guard-cases.js';
import { describeManagementApi } from './management-cases.js';

describeGuardCases('express', startExpress);
describeManagementApi('express', startExpress);
