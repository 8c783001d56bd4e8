import { createKeyward, memoryStore, type Actor, type ProjectInfo } from '@keyward/core';
import { tokensApp } from '@keyward/hono';
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { bundleElement, bundlePage } from './bundle.js';

const PROJECTS: ProjectInfo[] = [
  { id: 'proj_web', organizationId: 'org_demo', name: 'Website' },
  { id: 'proj_app', organizationId: 'org_demo', name: 'Mobile app' },
];
// Stands in for the host's session: everyone is an admin of one organization.
const ADMIN: Actor = { userId: 'user_demo', organizationId: 'org_demo', role: 'admin' };

const shell = (title: string, script: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; }</style>
    <script type="module" src="${script}"></script>
  </head>
  <body><div id="root"></div></body>
</html>`;

/**
 * One management API and three pages using `<keyward-tokens>`: `/plain` (HTML and a script
 * tag), `/react` (React 19) and `/vue` (Vue 3), each script bundled by esbuild at startup.
 */
export async function createFrameworksApp() {
  const keyward = createKeyward({ store: memoryStore(), resolveProject: (id) => PROJECTS.find((p) => p.id === id) ?? null });
  const [element, react, vue, plain] = await Promise.all([
    bundleElement(),
    bundlePage(new URL('../pages/react.tsx', import.meta.url)),
    bundlePage(new URL('../pages/vue.ts', import.meta.url)),
    readFile(new URL('../pages/plain.html', import.meta.url), 'utf8'),
  ]);
  /** The `x-csrf-token` of every change request, in order: shows each page's header hook at work. */
  const csrfSeen: string[] = [];

  const app = new Hono();
  const js = (body: string) => () => new Response(body, { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
  app.get('/keyward-tokens.js', js(element));
  app.get('/react.js', js(react));
  app.get('/vue.js', js(vue));
  app.get('/', (c) => c.redirect('/plain'));
  app.get('/plain', (c) => c.html(plain));
  app.get('/react', (c) => c.html(shell('API tokens · React', '/react.js')));
  app.get('/vue', (c) => c.html(shell('API tokens · Vue', '/vue.js')));
  app.use('/settings/*', async (c, next) => {
    if (c.req.method !== 'GET') csrfSeen.push(c.req.header('x-csrf-token') ?? '');
    await next();
  });
  app.route('/settings', tokensApp({ keyward, getActor: () => ADMIN }));
  return { app, keyward, csrfSeen, sizes: { element: element.length, react: react.length, vue: vue.length } };
}
