// The page's pieces as DOM. Pure builders: they take data and a Localizer, wire nothing but the
// callbacks they are given, and hold no state.
import { EXPIRY_PRESETS, type ExpiryPreset, type PermissionInfo, type TokenListItem } from './api.js';
import { h } from './dom.js';
import type { Localizer } from './i18n.js';
import { leakNotes } from './leak.js';
import { limitFieldsTemplate, limitsSummary } from './limits.js';
import type { StringKey } from './strings.js';

/** A project the host offers as a scope (the management API does not list projects). */
export interface ProjectOption {
  id: string;
  name: string;
}

const PRESET_KEYS: Record<ExpiryPreset, StringKey> = {
  '1d': 'expiry1d',
  '7d': 'expiry7d',
  '30d': 'expiry30d',
  '60d': 'expiry60d',
  '90d': 'expiry90d',
  never: 'expiryNever',
};

// U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE: an <option> holds text only, so a
// project's name is isolated with the Unicode controls instead of a <bdi>.
const isolate = (text: string) => `\u2068${text}\u2069`;

/**
 * A labelled control with what goes under it (a hint, an error slot).
 * @example field('rename-name', 'Name', h('input', { id: 'rename-name' }), errorSlot('rename-error'))
 */
export function field(id: string, label: string, control: HTMLElement, ...after: HTMLElement[]): HTMLElement {
  return h('div', { class: 'field', part: 'field' }, h('label', { for: id, part: 'label' }, label), control, ...after);
}

/** The create form: name, scope, expiry with its live preview, permissions (filled in once the catalog is known), and one error slot per field. */
export function createFormTemplate(l10n: Localizer, projects: readonly ProjectOption[], defaultPreset: ExpiryPreset): HTMLElement {
  const t = l10n.text;
  return h(
    'section',
    // Plain sections without names: two elements on one page must not repeat landmark names.
    { id: 'create-section', part: 'create', class: 'card' },
    h('h2', { id: 'create-heading' }, t('createHeading')),
    h(
      'form',
      { id: 'create-form', part: 'form', novalidate: true },
      h(
        'div',
        { class: 'fields' },
        field(
          'token-name',
          t('nameLabel'),
          h('input', { id: 'token-name', name: 'name', part: 'input', maxlength: 100, autocomplete: 'off', required: true, dir: 'auto', placeholder: t('namePlaceholder'), 'aria-describedby': 'name-error' }),
          errorSlot('name-error'),
        ),
        field(
          'token-scope',
          t('scopeLabel'),
          h(
            'select',
            { id: 'token-scope', name: 'scope', part: 'select', 'aria-describedby': 'scope-error' },
            h('option', { value: '' }, t('scopeOrganizationOption')),
            ...projects.map((p) => h('option', { value: p.id }, t('scopeProjectOption', { name: isolate(p.name) }))),
          ),
          errorSlot('scope-error'),
        ),
        field(
          'token-expiry',
          t('expiryLabel'),
          h(
            'select',
            { id: 'token-expiry', name: 'expiresIn', part: 'select', 'aria-describedby': 'expiry-preview expiry-error' },
            ...EXPIRY_PRESETS.map((p) => h('option', { value: p, selected: p === defaultPreset }, t(PRESET_KEYS[p]))),
          ),
          h('p', { id: 'expiry-preview', class: 'hint', part: 'preview', 'aria-live': 'polite' }),
          errorSlot('expiry-error'),
        ),
      ),
      // Hidden until the catalog arrives, and for good when the host declares none.
      h(
        'fieldset',
        { id: 'permissions-field', class: 'perms', part: 'field', hidden: true, 'aria-describedby': 'permissions-hint permissions-error' },
        h('legend', { part: 'label' }, t('permissionsLabel')),
        h('p', { id: 'permissions-hint', class: 'hint' }, t('permissionsHint')),
        h('div', { id: 'permissions-list', class: 'chips' }),
        errorSlot('permissions-error'),
      ),
      h('details', { id: 'limits-field', class: 'perms', part: 'field' }, h('summary', { part: 'label' }, t('limitsLabel')), limitFieldsTemplate(l10n, 'create')),
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'create-button', class: 'primary', part: 'button primary-button' }, t('createButton'))),
      h('p', { id: 'form-error', class: 'error', part: 'error', role: 'alert' }),
    ),
  );
}

/**
 * A field's error slot: empty (and hidden) until the server names the field.
 * @example errorSlot('name-error')
 */
export const errorSlot = (id: string): HTMLElement => h('p', { id, class: 'error', part: 'error' });

/**
 * One checkbox per permission of the catalog, for the create form.
 * @example list.replaceChildren(...permissionCheckboxes([{ name: 'builds:read', description: 'Read builds' }]))
 */
export function permissionCheckboxes(permissions: readonly PermissionInfo[]): HTMLElement[] {
  return permissions.map((p) =>
    h('label', { class: 'perm' }, h('input', { type: 'checkbox', name: 'permissions', value: p.name, part: 'checkbox' }), h('code', { dir: 'ltr' }, p.name), ' ', h('span', { class: 'hint', dir: 'auto' }, p.description)),
  );
}

/** The columns of the tokens list, in order: the header's text and each cell's card label. */
export const COLUMNS = [
  ['scope', 'columnScope'],
  ['permissions', 'columnPermissions'],
  ['limits', 'columnLimits'],
  ['created', 'columnCreated'],
  ['expires', 'columnExpires'],
  ['last-active', 'columnLastActive'],
  ['usage', 'columnUsage'],
  ['status', 'columnStatus'],
] as const satisfies readonly (readonly [string, StringKey])[];

/** The list section's fixed frame: heading, states, the table head and an empty body. */
export function listTemplate(l10n: Localizer, bulkMenu: HTMLElement): HTMLElement {
  const t = l10n.text;
  return h(
    'section',
    { id: 'list-section', part: 'list', class: 'card' },
    h('div', { class: 'table-head' }, h('h2', { id: 'tokens-heading', tabindex: '-1' }, t('tokensHeading')), bulkMenu, h('p', { id: 'bulk-error', class: 'error', part: 'error', role: 'alert' })),
    h('p', { id: 'loading', role: 'status', part: 'loading', class: 'state' }, t('loading')),
    h(
      'div',
      { id: 'load-error', part: 'error-state', class: 'state error-state', hidden: true },
      h('p', { id: 'load-error-text', role: 'alert' }),
      h('button', { type: 'button', id: 'retry', class: 'secondary', part: 'button secondary-button' }, t('retry')),
    ),
    // Explicit roles: below the breakpoint the rows are laid out as cards (display: grid), which
    // would otherwise drop the table semantics in some browsers.
    h(
      'table',
      { id: 'tokens-table', part: 'table', class: 'data-table', role: 'table', hidden: true },
      h('caption', { class: 'sr-only' }, t('tableCaption')),
      h(
        'thead',
        { role: 'rowgroup' },
        h(
          'tr',
          { role: 'row' },
          h(
            'td',
            { class: 'check', role: 'cell' },
            h('label', { class: 'hit select-all' }, h('input', { type: 'checkbox', id: 'select-all', part: 'checkbox' }), h('span', { class: 'sr-only select-all-text' }, t('selectAll'))),
          ),
          h('th', { scope: 'col', role: 'columnheader' }, t('columnName')),
          ...COLUMNS.map(([col, key]) => h('th', { scope: 'col', role: 'columnheader', 'data-col': col === 'permissions' || col === 'limits' || col === 'usage' ? col : null }, t(key))),
          h('th', { scope: 'col', role: 'columnheader', class: 'actions-col' }, h('span', { class: 'sr-only' }, t('columnActions'))),
        ),
      ),
      h('tbody', { id: 'tokens-body', role: 'rowgroup' }),
    ),
    h('p', { id: 'empty', part: 'empty', class: 'state', hidden: true }, t('empty')),
    h('button', { type: 'button', id: 'load-more', class: 'secondary', part: 'button secondary-button', hidden: true }, t('loadMore')),
    h('p', { id: 'more-error', class: 'error', part: 'error', role: 'alert' }),
  );
}

export interface RowContext {
  l10n: Localizer;
  now: number;
  selected: boolean;
  menu: HTMLElement;
  /** What the usage cell shows now (see usage-chart.ts); the cell is `data-usage-for` the token. */
  usage: Node | string;
}

function time(ms: number, text: string, l10n: Localizer): HTMLTimeElement {
  return h('time', { datetime: new Date(ms).toISOString(), title: l10n.dates.dateTime(ms) }, text);
}

/** A row's permissions: up to two as chips, more behind a "3 permissions" disclosure. */
function permissionsCell(permissions: readonly string[] | null, l10n: Localizer): Node | string {
  if (!permissions?.length) return l10n.text('permissionsNone');
  const chips = h('span', { class: 'chips' }, ...permissions.map((name) => h('code', { class: 'chip', part: 'permission', dir: 'ltr' }, name)));
  return permissions.length <= 2 ? chips : h('details', {}, h('summary', {}, l10n.text('permissionsCount', { count: permissions.length })), chips);
}

/**
 * A data cell of a list. When the rows are cards, the column's name is shown before the value
 * (CSS generated content with empty alternative text: assistive technology reads the column
 * header instead, and the cell's text stays the value).
 * @example cell('scope', 'Scope', badge)
 */
export function cell(col: string, label: string, ...content: (Node | string)[]): HTMLTableCellElement {
  return h('td', { 'data-col': col, 'data-label': label, role: 'cell' }, ...content);
}

/** One token's row. The hint (prefix + 4 characters) is all of the secret the page ever lists. */
export function rowTemplate(token: TokenListItem, { l10n, now, selected, menu, usage }: RowContext): HTMLTableRowElement {
  const t = l10n.text;
  const checkbox = h('input', { type: 'checkbox', part: 'checkbox', 'data-id': token.id, 'aria-label': t('selectToken', { name: token.name }) });
  checkbox.checked = selected;
  const expired = token.status === 'expired';
  const paused = token.status === 'paused';
  const soon = !expired && !paused && token.expiresSoon;
  const previous = token.previousSecret;
  const { dates } = l10n;
  const values: Record<(typeof COLUMNS)[number][0], Node | string> = {
    scope: h('span', { class: token.scope.kind === 'organization' ? 'badge org' : 'badge', part: 'badge' }, token.scope.kind === 'organization' ? t('scopeOrganization') : h('bdi', {}, token.scopeLabel)),
    permissions: permissionsCell(token.permissions, l10n),
    limits: h('span', { class: 'lines' }, ...limitsSummary(token, l10n)),
    created: time(token.createdAt, dates.day(token.createdAt), l10n),
    expires: token.expiresAt === null ? t('never') : time(token.expiresAt, dates.day(token.expiresAt), l10n),
    'last-active': token.lastUsedAt === null ? t('neverUsed') : time(token.lastUsedAt, dates.relative(token.lastUsedAt, now, t('justNow')), l10n),
    usage,
    status: h(
      'span',
      { class: `badge status ${expired ? 'expired' : paused ? 'paused' : soon ? 'soon' : 'active'}`, part: 'badge status' },
      t(expired ? 'statusExpired' : paused ? 'statusPaused' : soon ? 'statusExpiresSoon' : 'statusActive'),
    ),
  };
  const cells = COLUMNS.map(([col, key]) => cell(col, t(key), values[col], ...(col === 'status' && token.leak ? leakNotes(token.leak, l10n) : [])));
  cells.find((c) => c.dataset.col === 'expires')!.dataset.expiresAt = String(token.expiresAt ?? '');
  cells.find((c) => c.dataset.col === 'usage')!.dataset.usageFor = token.id;
  return h(
    'tr',
    { part: 'row', role: 'row', 'data-id': token.id, 'data-status': token.status, 'data-expires-soon': soon, 'data-leaked': token.leak ? token.leak.secret : null },
    h('td', { class: 'check', role: 'cell' }, h('label', { class: 'hit' }, checkbox)),
    h(
      'th',
      { scope: 'row', role: 'rowheader', class: 'name' },
      // <bdi>: a name in Arabic or Hebrew keeps its own order, whatever the page's direction,
      // and lines up with the page like every other name.
      h('span', { class: 'token-name' }, h('bdi', {}, token.name)),
      h('code', { class: 'hint-code', part: 'hint', dir: 'ltr' }, `${token.hint}…`),
      previous && h('span', { class: 'previous hint', part: 'previous-secret', 'data-expires-at': previous.expiresAt }, ...l10n.nodes('previousSecret', { hint: `${previous.hint}…`, date: dates.dateTime(previous.expiresAt) })),
    ),
    ...cells,
    h('td', { class: 'actions-col', role: 'cell' }, menu),
  );
}

/**
 * The message under a row whose action failed: a row of its own, spanning the table.
 * @example body.insertBefore(rowErrorTemplate('tok_1', 'Could not delete: …', 9), row.nextSibling)
 */
export function rowErrorTemplate(id: string, text: string, span: number): HTMLTableRowElement {
  return h('tr', { class: 'row-error', role: 'row', 'data-error-for': id }, h('td', { colspan: span, role: 'cell' }, h('p', { class: 'error', part: 'error row-error', role: 'alert' }, text)));
}

/** Members (and anyone the API answers 403) see this instead of the page. */
export function noticeTemplate(heading: string, text: string): HTMLElement {
  return h('section', { id: 'notice', part: 'notice', class: 'card notice' }, h('h2', { id: 'notice-heading' }, heading), h('p', {}, text));
}
