import { afterAll, expect } from 'vitest';
import { describeGuardCases, describeManagementApi } from '@keyward/test-kit/http';
import { buildHandler } from './app.js';
import { inProcess } from './in-process.js';

const served = { count: 0 };
describeGuardCases('fetch, in process (new Request)', inProcess(buildHandler, served));
describeManagementApi('fetch, in process (new Request)', inProcess(buildHandler, served));

// Proof the tables above went through the handler directly, not over a socket.
afterAll(() => expect(served.count).toBeGreaterThan(90));
