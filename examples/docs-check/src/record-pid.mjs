// Preloaded into every documentation snippet the tests run: writes the snippet's process id where
// KEYWARD_SNIPPET_PID_FILE says, so the test can find what the snippet wrote under its own
// per-process Redis key prefix (`docs-example:${process.pid}:`) once it has ended. tsx runs the
// snippet in a child process of its own, whose id only the snippet knows.
import { writeFileSync } from 'node:fs';

if (process.env.KEYWARD_SNIPPET_PID_FILE) writeFileSync(process.env.KEYWARD_SNIPPET_PID_FILE, String(process.pid));
