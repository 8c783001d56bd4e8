import { describeGuardCases } from '../../core/test/http/guard-cases.js';
import { startExpress } from './app.js';

describeGuardCases('express', startExpress);
