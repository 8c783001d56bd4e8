// Entry for Node, Bun and Deno: prints the report as one JSON line. `--http`: over the runtime's
// own HTTP server (Bun.serve, Deno.serve) instead of in process.
import { runSuite } from './suite.js';

const http = (globalThis as { process?: { argv?: string[] } }).process?.argv?.includes('--http') ?? false;
console.log(JSON.stringify(await runSuite({ http })));
