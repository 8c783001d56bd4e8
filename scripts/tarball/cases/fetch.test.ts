// The shared HTTP case tables, through the packed @keyward/fetch behind a node:http bridge.
import { describeGuardCases, describeManagementApi } from './test-kit/http/index.js';
import { startFetch } from './fetch-app.js';

describeGuardCases('fetch', startFetch);
describeManagementApi('fetch', startFetch);
