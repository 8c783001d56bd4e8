import type { ProjectInfo } from '@keyward/core';
import { html, raw } from 'hono/html';
import type { User } from './host-data.js';
import { STYLES } from './styles.js';

interface PageData {
  user: User;
  users: User[];
  organizationName: string;
  projects: ProjectInfo[];
}

function userSwitcher({ user, users }: PageData) {
  return html`<form class="switcher" method="get" action="/switch-user">
    <label for="as">Signed in as</label>
    <select id="as" name="as" data-testid="user-switcher" onchange="this.form.submit()">
      ${users.map((u) => html`<option value="${u.id}" ${u.id === user.id ? 'selected' : ''}>${u.name}</option>`)}
    </select>
    <noscript><button type="submit">Switch</button></noscript>
  </form>`;
}

/**
 * The Organization settings → Tokens page: the host's frame around `<keyward-tokens>`, which
 * does the rest over the management API mounted at /settings (members get its no-access notice).
 */
export function renderTokensPage(data: PageData) {
  const projects = JSON.stringify(data.projects.map(({ id, name }) => ({ id, name })));
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API tokens · ${data.organizationName}</title>
    <style>${raw(STYLES)}</style>
    <script type="module" src="/static/keyward-tokens.js"></script>
  </head>
  <body>
    <header class="top">
      <div class="brand">${data.organizationName}</div>
      ${userSwitcher(data)}
    </header>
    <div class="layout">
      <nav class="sidebar" aria-label="Organization settings">
        <p class="nav-title">Organization settings</p>
        <a href="#" aria-disabled="true">General</a>
        <a href="#" aria-disabled="true">Members</a>
        <a href="/settings/tokens-page" class="active" aria-current="page">Tokens</a>
      </nav>
      <main>
        <h1>API tokens</h1>
        <p class="lead">Tokens let scripts and integrations call the API for this organization, or for one of its projects. Only owners and admins can see and manage them.</p>
        <keyward-tokens api="/settings" projects="${projects}"></keyward-tokens>
      </main>
    </div>
  </body>
</html>`;
}
