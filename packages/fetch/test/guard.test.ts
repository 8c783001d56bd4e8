import { createFetchGuard } from '@keyward/fetch';
import { describeGuardCases } from '@keyward/test-kit/http';
import { startFetch } from './app.js';

describeGuardCases('fetch', startFetch, createFetchGuard);
