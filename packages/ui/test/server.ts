// A real host for the element's browser tests: Hono, the memory store, keyward's management API
// mounted a few ways (normal, another organization, failing, slow, with a permission catalog),
// guarded routes, and pages.
import { serve, type ServerType } from '@hono/node-server';
import { createKeyward, memoryStore, type Actor, type ProjectInfo } from '@keyward/core';
import { requireToken, tokensApp } from '@keyward/hono';
import { build } from 'esbuild';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const PROJECTS: ProjectInfo[] = [
  { id: 'proj_catalog', organizationId: 'org_a', name: 'Catalog' },
  { id: 'proj_royalties', organizationId: 'org_a', name: 'Royalties' },
  { id: 'proj_beta', organizationId: 'org_b', name: 'Beta launch' },
  // A long unbroken name and a right-to-left one: the layout tests' projects.
  { id: 'proj_long', organizationId: 'org_wide', name: `Projekt${'x'.repeat(60)}` },
  { id: 'proj_rtl', organizationId: 'org_wide', name: 'متجر 2 الويب' },
];

export const USERS: Record<string, Actor> = {
  owner_a: { userId: 'owner_a', organizationId: 'org_a', role: 'owner' },
  owner_wide: { userId: 'owner_wide', organizationId: 'org_wide', role: 'owner' },
  owner_empty: { userId: 'owner_empty', organizationId: 'org_empty', role: 'owner' },
  owner_many: { userId: 'owner_many', organizationId: 'org_many', role: 'owner' },
  member_a: { userId: 'member_a', organizationId: 'org_a', role: 'member' },
  admin_b: { userId: 'admin_b', organizationId: 'org_b', role: 'admin' },
};

/** The catalog of the `/catalog` mount's keyward (the other mounts declare none). */
export const PERMISSIONS = { 'builds:read': 'Read builds', 'builds:write': 'Start and cancel builds', 'deploys:write': 'Deploy to production' };

const projectsOf = (org: string) => JSON.stringify(PROJECTS.filter((p) => p.organizationId === org).map(({ id, name }) => ({ id, name })));

/** Bundles the element from its sources, as `keyward-tokens.js` is built for pages (or another entry, e.g. the locales). */
export async function bundleElement(entry = '../src/define/index.ts'): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0]!.text;
}

function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { font-family: system-ui, sans-serif; margin: 24px; max-width: 1100px; } </style>
${head}
<script type="module" src="/keyward-tokens.js"></script>
</head>
<body><main><h1>${title}</h1>${body}</main></body>
</html>`;
}

export interface UiServer {
  origin: string;
  /** Mutating requests' `x-csrf-token` header values, in order. */
  csrfSeen: string[];
  /** While true, the `/flaky` mount answers 503. */
  setFailing(failing: boolean): void;
  /** Moves the server's clock by `ms` from now (0 puts it back). */
  travel(ms: number): void;
  /** The `/slow` mount holds list requests until this is called. */
  releaseSlow(): void;
  /** Reports `token` found at `url`, as GitHub's secret scanning would: revoked, or only flagged. On the `/catalog` keyward (also `/wide`) with `catalog`. */
  reportLeak(token: string, url: string, mode: 'revoke' | 'flag', catalog?: boolean): Promise<string>;
  close(): Promise<void>;
}

export async function startUiServer(): Promise<UiServer> {
  const [bundle, locales] = await Promise.all([bundleElement(), bundleElement('../src/locales/index.ts')]);
  let offsetMs = 0;
  // Usage counts reach the store within 20 ms, so a chart shows a request the test just made.
  const options = { resolveProject: (id: string) => PROJECTS.find((p) => p.id === id) ?? null, lastUsedIntervalMs: 0, now: () => Date.now() + offsetMs, usage: { flushIntervalMs: 20 } };
  const keyward = createKeyward({ store: memoryStore(), ...options });
  const withCatalog = createKeyward({ store: memoryStore(), ...options, permissions: PERMISSIONS });
  // A host that keeps neither usage nor an audit trail: the page shows neither (501 from both routes).
  const noHistory = createKeyward({ store: memoryStore(), ...options, usage: false, audit: false });
  const csrfSeen: string[] = [];
  let failing = false;
  let release!: () => void;
  const slowGate = new Promise<void>((resolve) => (release = resolve));

  const signedIn = (c: Context) => USERS[getCookie(c, 'user') ?? 'owner_a'] ?? null;
  const app = new Hono();
  app.get('/keyward-tokens.js', (c) => c.body(bundle, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/keyward-locales.js', (c) => c.body(locales, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  app.use('/settings/*', async (c, next) => {
    if (c.req.method !== 'GET') csrfSeen.push(c.req.header('x-csrf-token') ?? '');
    await next();
  });
  app.route('/settings', tokensApp({ keyward, getActor: signedIn }));
  app.route('/org-b', tokensApp({ keyward, getActor: () => USERS.admin_b! }));
  app.use('/flaky/*', async (c, next) => {
    if (!failing) return next();
    return c.json({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'STORE_UNAVAILABLE', detail: 'API tokens cannot be reached right now; retry later.' }, 503);
  });
  app.route('/flaky', tokensApp({ keyward, getActor: signedIn }));
  app.use('/slow/*', async (_c, next) => {
    await slowGate;
    await next();
  });
  app.route('/slow', tokensApp({ keyward, getActor: signedIn }));

  app.route('/catalog', tokensApp({ keyward: withCatalog, getActor: signedIn }));
  app.route('/no-history', tokensApp({ keyward: noHistory, getActor: signedIn }));
  // The layout tests' organizations: one with every kind of row, one without tokens.
  app.route('/wide', tokensApp({ keyward: withCatalog, getActor: () => USERS.owner_wide! }));
  app.route('/empty-org', tokensApp({ keyward: withCatalog, getActor: () => USERS.owner_empty! }));
  // The focus tests' organization: more tokens than a page holds.
  app.route('/many', tokensApp({ keyward, getActor: () => USERS.owner_many! }));

  app.get('/api/ping', requireToken({ keyward, organizationLevel: true }), (c) => c.json({ ok: true, token: c.get('apiToken').name }));
  app.get('/catalog-api/ping', requireToken({ keyward: withCatalog, organizationLevel: true }), (c) => c.json({ ok: true, token: c.get('apiToken').name }));
  app.post('/catalog-api/deploys', requireToken({ keyward: withCatalog, organizationLevel: true, permissions: ['deploys:write'] }), (c) => c.json({ deploying: true }, 202));

  const element = (api: string, org = 'org_a', extra = '') => `<keyward-tokens api="${api}" projects='${projectsOf(org)}' ${extra}></keyward-tokens>`;
  app.get('/', (c) =>
    c.html(
      page(
        'API tokens',
        element('/settings'),
        `<script type="module">
          const el = document.querySelector('keyward-tokens');
          let n = 0;
          el.headers = () => ({ 'x-csrf-token': 'csrf-' + (++n) });
        </script>`,
      ),
    ),
  );
  app.get('/paged', (c) => c.html(page('Paged', element('/settings', 'org_a', 'page-size="2"'))));
  app.get('/two', (c) => c.html(page('Two organizations', `<section aria-label="Acme">${element('/settings')}</section><section aria-label="Beta">${element('/org-b', 'org_b')}</section>`)));
  app.get('/catalog-page', (c) => c.html(page('Catalog', element('/catalog'))));
  app.get('/flaky-page', (c) => c.html(page('Flaky', element('/flaky'))));
  app.get('/no-history-page', (c) => c.html(page('No history', element('/no-history'))));
  app.get('/slow-page', (c) => c.html(page('Slow', element('/slow'))));
  app.get('/themed', (c) =>
    c.html(
      page(
        'Thème',
        element('/settings', 'org_a', 'locale="de-DE"'),
        `<style>
          keyward-tokens { --keyward-accent: #6b21a8; }
          keyward-tokens::part(row) { background: #fafafa; }
        </style>
        <script type="module">
          await customElements.whenDefined('keyward-tokens');
          document.querySelector('keyward-tokens').strings = { createHeading: 'Neues Token', createButton: 'Erstellen', nameLabel: 'Bezeichnung', tokensHeading: 'Schlüssel' };
        </script>`,
      ).replace('<html lang="en">', '<html lang="de">'),
    ),
  );

  // Any mount, language, direction and page size: /matrix?api=/wide&lang=ar&dir=rtl&size=4 (the strings follow lang).
  app.get('/matrix', (c) => {
    const api = c.req.query('api') ?? '/wide';
    const lang = c.req.query('lang') ?? 'en';
    const dir = c.req.query('dir') === 'rtl' ? 'rtl' : 'ltr';
    const org = api === '/wide' ? 'org_wide' : 'org_a';
    const size = Number(c.req.query('size'));
    return c.html(
      page(
        'API tokens',
        element(api, org, Number.isInteger(size) && size > 0 ? `page-size="${size}"` : ''),
        `<style>:root { color-scheme: light dark; } body { margin: 16px; max-width: none; }</style>
        <script type="module">
          import * as locales from '/keyward-locales.js';
          document.querySelector('keyward-tokens').strings = locales[document.documentElement.lang] ?? {};
        </script>`,
      ).replace('<html lang="en">', `<html lang="${lang}" dir="${dir}">`),
    );
  });

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    csrfSeen,
    setFailing: (value) => void (failing = value),
    releaseSlow: () => release(),
    travel: (ms) => void (offsetMs = ms),
    reportLeak: async (token, url, mode, catalog = false) => (await (catalog ? withCatalog : keyward).reportLeaks([{ token, type: 'keyward_token', url, source: 'content' }], { mode }))[0]!,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await keyward.close();
      await withCatalog.close();
      await noHistory.close();
    },
  };
}
