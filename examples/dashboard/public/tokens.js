// The Tokens page's behaviour: live expiry preview, create + one-time reveal, list, delete, bulk delete.
// It talks only to the management API mounted at /settings (keyward's tokensApp).
const API = '/settings/tokens';
const config = JSON.parse(document.getElementById('dashboard-config').textContent);
const $ = (id) => document.getElementById(id);

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });
const formatDate = (ms) => dateOnly.format(new Date(ms));

function relative(ms) {
  const seconds = Math.round((Date.now() - ms) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return formatDate(ms);
}

async function api(path, init = {}) {
  const response = await fetch(API + path, {
    ...init,
    headers: init.body ? { 'content-type': 'application/json' } : {},
    credentials: 'same-origin',
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw Object.assign(new Error(body?.detail ?? body?.title ?? response.statusText), { problem: body, status: response.status });
  return body;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// ── Expiry preview: asks the server, which computes it with the very function create uses.
async function updatePreview() {
  const preset = $('token-expiry').value;
  const preview = await api(`/expiration-preview?expiresIn=${encodeURIComponent(preset)}`);
  const target = $('expiry-preview');
  target.dataset.expiresAt = preview.expiresAtMs ?? '';
  target.textContent = preview.expiresAtMs === null ? 'This token will never expire.' : `Expires on ${dateTime.format(new Date(preview.expiresAtMs))}`;
  target.dataset.day = preview.expiresAtMs === null ? 'never' : formatDate(preview.expiresAtMs);
}

// ── Create
function showErrors(problem) {
  for (const node of document.querySelectorAll('[data-error-for]')) node.textContent = '';
  const errors = problem?.errors ?? [{ path: problem?.field ?? '', message: problem?.detail ?? 'Something went wrong' }];
  for (const { path, message } of errors) {
    const slot = document.querySelector(`[data-error-for="${CSS.escape(path)}"]`) ?? document.querySelector('[data-error-for=""]');
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
  }
}

async function createToken(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const scopeValue = form.scope.value;
  const body = {
    name: form.name.value,
    scope: scopeValue === 'organization' ? { kind: 'organization' } : { kind: 'project', projectId: scopeValue },
    expiresIn: form.expiresIn.value,
  };
  $('create-button').disabled = true;
  try {
    const created = await api('', { method: 'POST', body: JSON.stringify(body) });
    showErrors({ errors: [] });
    form.name.value = '';
    reveal(created);
    await loadTokens();
  } catch (error) {
    showErrors(error.problem?.code === 'NAME_TAKEN' ? { errors: [{ path: 'name', message: error.problem.detail }] } : error.problem);
  } finally {
    $('create-button').disabled = false;
  }
}

function reveal({ plaintext, token }) {
  $('reveal-token').textContent = plaintext;
  const path = token.scope.kind === 'project' ? `/api/projects/${token.scope.projectId}/status` : '/api/organization';
  $('reveal-curl').textContent = `curl -H "Authorization: Bearer ${plaintext}" ${config.apiOrigin}${path}`;
  $('copy-button').textContent = 'Copy';
  $('reveal-dialog').showModal();
}

async function copyToken() {
  const text = $('reveal-token').textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (no permission, insecure origin): select the text for a manual copy.
    getSelection().selectAllChildren($('reveal-token'));
    document.execCommand('copy');
  }
  $('copy-button').textContent = 'Copied';
}

// The plaintext lives only in the dialog: forget it the moment the dialog closes.
function forgetRevealed() {
  $('reveal-token').textContent = '';
  $('reveal-curl').textContent = '';
}

// ── List
let nextCursor = null;
const selected = new Set();

function scopeCell(token) {
  return token.scope.kind === 'organization'
    ? el('span', { className: 'badge org' }, 'Organization')
    : el('span', { className: 'badge' }, token.scopeLabel);
}

function row(token) {
  const checkbox = el('input', {
    type: 'checkbox',
    checked: selected.has(token.id),
    ariaLabel: `Select ${token.name}`,
    onchange: (e) => {
      e.target.checked ? selected.add(token.id) : selected.delete(token.id);
      syncSelection();
    },
  });
  const menu = el('div', { className: 'menu-items', hidden: true }, el('button', { type: 'button', onclick: () => confirmDelete([token]) }, 'Delete'));
  const menuButton = el('button', { type: 'button', className: 'icon', ariaLabel: `Actions for ${token.name}`, onclick: (e) => toggleMenu(menu, e) }, '⋯');
  const expires = token.expiresAt === null ? 'Never expires' : `${token.status === 'expired' ? 'Expired' : 'Expires'} ${formatDate(token.expiresAt)}`;
  return el(
    'tr',
    { dataset: { tokenId: token.id, testid: 'token-row' } },
    el('td', { className: 'check' }, checkbox),
    el('td', {}, el('div', { className: 'name' }, token.name), el('code', {}, `${token.hint}…`)),
    el(
      'td',
      {},
      el('div', { title: dateTime.format(new Date(token.createdAt)) }, `Created ${formatDate(token.createdAt)}`),
      el('div', { className: 'sub', dataset: { testid: 'expires', expiresAt: token.expiresAt ?? '' } }, expires, token.status === 'expired' ? el('span', { className: 'badge expired' }, ' expired') : null),
    ),
    el('td', {}, scopeCell(token)),
    el('td', { dataset: { testid: 'last-active' }, title: token.lastUsedAt ? dateTime.format(new Date(token.lastUsedAt)) : '' }, token.lastUsedAt ? relative(token.lastUsedAt) : 'Never'),
    el('td', { className: 'actions' }, el('div', { className: 'menu' }, menuButton, menu)),
  );
}

let tokensById = new Map();

async function loadTokens(append = false) {
  const page = await api(`?limit=50${append && nextCursor ? `&cursor=${encodeURIComponent(nextCursor)}` : ''}`);
  if (!append) {
    $('tokens-body').replaceChildren();
    tokensById = new Map();
  }
  for (const token of page.items) {
    tokensById.set(token.id, token);
    $('tokens-body').append(row(token));
  }
  for (const id of [...selected]) if (!tokensById.has(id)) selected.delete(id);
  nextCursor = page.nextCursor;
  $('load-more').hidden = !nextCursor;
  $('tokens-empty').hidden = tokensById.size > 0;
  syncSelection();
}

function syncSelection() {
  $('delete-selected').disabled = selected.size === 0;
  $('delete-selected').textContent = selected.size > 0 ? `Delete selected (${selected.size})` : 'Delete selected';
  $('select-all').checked = tokensById.size > 0 && selected.size === tokensById.size;
  $('select-all').indeterminate = selected.size > 0 && selected.size < tokensById.size;
}

// ── Menus and deletion
function toggleMenu(menu, event) {
  event.stopPropagation();
  const open = menu.hidden;
  closeMenus();
  menu.hidden = !open;
}
function closeMenus() {
  for (const menu of document.querySelectorAll('.menu-items')) menu.hidden = true;
}

function confirmDelete(tokens) {
  closeMenus();
  const dialog = $('confirm-dialog');
  const many = tokens.length > 1;
  $('confirm-title').textContent = many ? `Delete ${tokens.length} tokens?` : `Delete "${tokens[0].name}"?`;
  $('confirm-text').textContent = `${many ? 'Anything using these tokens' : 'Anything using this token'} will lose access immediately. This cannot be undone.`;
  dialog.returnValue = '';
  dialog.onclose = async () => {
    if (dialog.returnValue !== 'confirm') return;
    try {
      if (many) await api('/bulk-delete', { method: 'POST', body: JSON.stringify({ ids: tokens.map((t) => t.id) }) });
      else await api(`/${encodeURIComponent(tokens[0].id)}`, { method: 'DELETE' });
      for (const t of tokens) selected.delete(t.id);
    } catch (error) {
      alert(`Could not delete: ${error.message}`);
    }
    await loadTokens();
  };
  dialog.showModal();
}

$('token-expiry').addEventListener('change', updatePreview);
$('create-form').addEventListener('submit', createToken);
$('copy-button').addEventListener('click', copyToken);
$('reveal-dialog').addEventListener('close', forgetRevealed);
$('load-more').addEventListener('click', () => loadTokens(true));
$('bulk-menu-button').addEventListener('click', (e) => toggleMenu($('bulk-menu'), e));
$('delete-selected').addEventListener('click', () => confirmDelete([...selected].map((id) => tokensById.get(id))));
$('select-all').addEventListener('change', (e) => {
  if (e.target.checked) for (const id of tokensById.keys()) selected.add(id);
  else selected.clear();
  for (const box of document.querySelectorAll('#tokens-body input[type=checkbox]')) box.checked = e.target.checked;
  syncSelection();
});
document.addEventListener('click', closeMenus);

await Promise.all([updatePreview(), loadTokens()]);
document.body.dataset.ready = 'true';
