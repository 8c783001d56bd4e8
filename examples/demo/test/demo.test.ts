// `pnpm demo` prints a narrated walk-through; its output is part of the documentation (the README's
// Quick start runs it). This runs it as `pnpm demo` does and compares what it prints, line for line,
// with the secrets, instants, file name and the seconds of a window replaced by placeholders.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

const EXPECTED = `keyward demo — SQLite file <file>

1. Alice (admin of Acme) creates an organization token and a project token.
   "CI pipeline"      → kw_<secret>… (shown once; only its SHA-256 is stored)
   "Website deploys"  → kw_<secret>… expires <instant>

2. The tokens are used against project routes.
   CI pipeline     on Website:    accepted (token "CI pipeline")
   CI pipeline     on Mobile app: accepted (token "CI pipeline")
   Website deploys on Website:    accepted (token "Website deploys")

3. Scope is enforced.
   Website deploys on Mobile app:         refused: SCOPE_DENIED
   Website deploys on an org-level route: refused: SCOPE_DENIED
   A mistyped token:                      refused: MALFORMED (checksum, no database lookup)
   Reading Website builds, CI pipeline:     accepted (token "CI pipeline")
   Reading Website builds, Website deploys: refused: PERMISSION_DENIED (granted deploys:write only)

4. The tokens table, as the settings page shows it:
   Website deploys  kw_<hint>…  scope: Website      may: deploys:write              status: active  last active: <instant>
   CI pipeline      kw_<hint>…  scope: Organization may: builds:read, deploys:write status: active  last active: <instant>

5. Alice rolls the CI secret; the old one keeps working for 24 hours so running jobs can switch.
   new secret kw_<secret>… (shown once), same token id: true
   old secret: accepted (token "CI pipeline") until <instant>
   new secret: accepted (token "CI pipeline")

6. Alice deletes "Website deploys"; access is cut off at once.
   Website deploys on Website: refused: NOT_FOUND
   CI pipeline     on Website: accepted (token "CI pipeline")

7. Limits. "Nightly export" may make 2 requests a minute; "Trial" has 2 requests of credit.
   What the guard of every adapter (Express, Hono, Fastify, fetch) answers, request by request:
   Nightly export request 1: 200                  ratelimit-policy: "rate";q=2;w=60; ratelimit: "rate";r=1;t=<s>
   Nightly export request 2: 200                  ratelimit-policy: "rate";q=2;w=60; ratelimit: "rate";r=0;t=<s>
   Nightly export request 3: 429 RATE_LIMITED     retry-after: <s>; ratelimit-policy: "rate";q=2;w=60; ratelimit: "rate";r=0;t=<s>
   Trial          request 1: 200                  ratelimit: "credits";r=1
   Trial          request 2: 200                  ratelimit: "credits";r=0
   Trial          request 3: 429 USAGE_EXHAUSTED  ratelimit: "credits";r=0

Done: every step behaved as documented.
`;

test('pnpm demo prints the documented walk-through, its 429s included', { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, 'examples/demo/main.ts'], { cwd: ROOT });
  const seconds: number[] = [];
  const masked = stdout
    .replace(/SQLite file \S+/, 'SQLite file <file>')
    .replace(/kw_[0-9A-Za-z]{7}…/g, 'kw_<secret>…')
    .replace(/kw_[0-9A-Za-z]{4}…/g, 'kw_<hint>…')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<instant>')
    .replace(/(t=|retry-after: )(\d+)/g, (_, name: string, value: string) => {
      seconds.push(Number(value));
      return `${name}<s>`;
    });
  expect(masked).toBe(EXPECTED);
  // The window is a minute: what is left of it, in whole seconds, rounded up.
  for (const value of seconds) expect(value >= 1 && value <= 60, `${value} s`).toBe(true);
});
