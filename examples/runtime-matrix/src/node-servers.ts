// Entry for Node, Bun and Deno: the Express and Fastify suites as their own test files run them,
// over real HTTP on each runtime's node:http server (Bun's and Deno's are emulations of Node's). Prints the report as one JSON line.
import { requireToken as expressRequireToken } from '@keyward/express';
import { requireToken as fastifyRequireToken } from '@keyward/fastify';
import { describeGuardCases, describeManagementApi } from '@keyward/test-kit/http';
import { startExpress } from '../../../packages/express/test/app.js';
import { startFastify } from '../../../packages/fastify/test/app.js';
// Not public API: which backend core picked.
import { hashBackend } from '../../../packages/core/src/hash.js';
import { run } from './mini-vitest.js';

describeGuardCases('express', startExpress, expressRequireToken);
describeManagementApi('express', startExpress);
describeGuardCases('fastify', startFastify, fastifyRequireToken);
describeManagementApi('fastify', startFastify);
console.log(JSON.stringify({ hashBackend, results: await run() }));
