import { describeGuardCases } from '../../core/test/http/guard-cases.js';
import { startFetch } from './app.js';

describeGuardCases('fetch', startFetch);
