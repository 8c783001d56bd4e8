import { requireToken } from '@keyward/express';
import { describeGuardCases } from '@keyward/test-kit/http';
import { startExpress } from './app.js';

describeGuardCases('express', startExpress, requireToken);
