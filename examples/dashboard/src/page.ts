import { EXPIRY_PRESETS, EXPIRY_PRESET_LABELS, canManageTokens, type ProjectInfo } from '@keyward/core';
import { html, raw } from 'hono/html';
import type { User } from './host-data.js';
import { STYLES } from './styles.js';

interface PageData {
  user: User;
  users: User[];
  organizationName: string;
  projects: ProjectInfo[];
  apiOrigin: string;
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

function createForm({ projects }: PageData) {
  return html`<section class="card">
    <h2>Create a token</h2>
    <form id="create-form" novalidate>
      <div class="field">
        <label for="token-name">Name</label>
        <input id="token-name" name="name" maxlength="100" placeholder="e.g. Production integration" autocomplete="off" required />
        <p class="error" data-error-for="name"></p>
      </div>
      <div class="field">
        <label for="token-scope">Scope</label>
        <select id="token-scope" name="scope">
          <option value="organization">Organization: every project</option>
          ${projects.map((p) => html`<option value="${p.id}">Project: ${p.name}</option>`)}
        </select>
        <p class="error" data-error-for="scope.projectId"></p>
      </div>
      <div class="field">
        <label for="token-expiry">Expiration</label>
        <select id="token-expiry" name="expiresIn">
          ${EXPIRY_PRESETS.map((p) => html`<option value="${p}" ${p === '30d' ? 'selected' : ''}>${EXPIRY_PRESET_LABELS[p]}</option>`)}
        </select>
        <p class="hint" id="expiry-preview" data-testid="expiry-preview" aria-live="polite"></p>
        <p class="error" data-error-for="expiresIn"></p>
      </div>
      <button type="submit" class="primary" id="create-button">Create</button>
      <p class="error" data-error-for=""></p>
    </form>
  </section>`;
}

function tokensTable() {
  return html`<section class="card">
    <div class="table-head">
      <h2>Tokens</h2>
      <div class="menu">
        <button type="button" class="icon" id="bulk-menu-button" aria-haspopup="true" aria-label="Actions for selected tokens">⋯</button>
        <div class="menu-items" id="bulk-menu" hidden>
          <button type="button" id="delete-selected" disabled>Delete selected</button>
        </div>
      </div>
    </div>
    <table id="tokens-table">
      <thead>
        <tr>
          <th class="check"><input type="checkbox" id="select-all" aria-label="Select all tokens" /></th>
          <th>Name</th>
          <th>Created · Expires</th>
          <th>Scope</th>
          <th>Last active</th>
          <th class="actions"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody id="tokens-body"></tbody>
    </table>
    <p class="empty" id="tokens-empty" hidden>No tokens yet. Create one above.</p>
    <button type="button" id="load-more" class="secondary" hidden>Load more</button>
  </section>`;
}

function dialogs() {
  return html`<dialog id="reveal-dialog" data-testid="reveal-dialog">
      <h2>Your new token</h2>
      <p class="warning"><strong>Copy it now.</strong> This is the only time it will be shown: once you close this dialog it cannot be retrieved again. Store it in a password manager or secrets vault.</p>
      <div class="secret-row">
        <code id="reveal-token" data-testid="reveal-token"></code>
        <button type="button" class="secondary" id="copy-button">Copy</button>
      </div>
      <p class="hint">Try it:</p>
      <pre id="reveal-curl" data-testid="reveal-curl"></pre>
      <form method="dialog"><button class="primary" id="reveal-close">I have saved it</button></form>
    </dialog>
    <dialog id="confirm-dialog">
      <h2 id="confirm-title">Delete token?</h2>
      <p id="confirm-text"></p>
      <form method="dialog" class="buttons">
        <button value="cancel" class="secondary">Cancel</button>
        <button value="confirm" class="danger" id="confirm-button">Delete</button>
      </form>
    </dialog>`;
}

/** The Organization settings → Tokens page. Members get a notice instead of the tools. */
export function renderTokensPage(data: PageData) {
  const allowed = canManageTokens(data.user.role);
  const config = { projects: data.projects, apiOrigin: data.apiOrigin };
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API tokens · ${data.organizationName}</title>
    <style>${raw(STYLES)}</style>
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
        ${allowed
          ? html`${createForm(data)}${tokensTable()}${dialogs()}
              <script id="dashboard-config" type="application/json">${raw(JSON.stringify(config).replace(/</g, '\\u003c'))}</script>
              <script src="/static/tokens.js" type="module"></script>`
          : html`<section class="card notice" data-testid="no-access">
              <h2>You don't have access to API tokens</h2>
              <p>Your role is <strong>member</strong>. Ask an owner or admin of ${data.organizationName} to create a token for you.</p>
            </section>`}
      </main>
    </div>
  </body>
</html>`;
}
