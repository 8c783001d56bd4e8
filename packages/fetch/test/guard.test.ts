import { describeGuardCases } from '@keyward/test-kit/http';
import { startFetch } from './app.js';

describeGuardCases('fetch', startFetch);
