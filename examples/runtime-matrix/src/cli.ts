// Entry for Node, Bun and Deno: prints the report as one JSON line.
import { runSuite } from './suite.js';

console.log(JSON.stringify(await runSuite()));
