// The page's pieces as DOM. Pure builders: they take data and strings, wire nothing but the
// callbacks they are given, and hold no state.
import { EXPIRY_PRESETS, type ExpiryPreset, type PermissionInfo, type TokenListItem } from './api.js';
import type { DateFormatter } from './dates.js';
import { h } from './dom.js';
import { format, type StringKey, type Strings } from './strings.js';

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

/**
 * A labelled control with what goes under it (a hint, an error slot).
 * @example field('rename-name', 'Name', h('input', { id: 'rename-name' }), errorSlot('rename-error'))
 */
export function field(id: string, label: string, control: HTMLElement, ...after: HTMLElement[]): HTMLElement {
  return h('div', { class: 'field', part: 'field' }, h('label', { for: id, part: 'label' }, label), control, ...after);
}

/** The create form: name, scope, expiry with its live preview, permissions (filled in once the catalog is known), and one error slot per field. */
export function createFormTemplate(strings: Partial<Strings>, projects: readonly ProjectOption[], defaultPreset: ExpiryPreset): HTMLElement {
  const t = (key: StringKey, params?: Record<string, string>) => format(strings, key, params);
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
          h('input', { id: 'token-name', name: 'name', part: 'input', maxlength: 100, autocomplete: 'off', required: true, placeholder: t('namePlaceholder'), 'aria-describedby': 'name-error' }),
          errorSlot('name-error'),
        ),
        field(
          'token-scope',
          t('scopeLabel'),
          h(
            'select',
            { id: 'token-scope', name: 'scope', part: 'select', 'aria-describedby': 'scope-error' },
            h('option', { value: '' }, t('scopeOrganizationOption')),
            ...projects.map((p) => h('option', { value: p.id }, t('scopeProjectOption', { name: p.name }))),
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
  return permissions.map((p) => h('label', { class: 'perm' }, h('input', { type: 'checkbox', name: 'permissions', value: p.name, part: 'checkbox' }), h('code', {}, p.name), ' ', h('span', { class: 'hint' }, p.description)));
}

/** The list section's fixed frame: heading, states, the table head and an empty body. */
export function listTemplate(strings: Partial<Strings>, bulkMenu: HTMLElement): HTMLElement {
  const t = (key: StringKey) => format(strings, key);
  return h(
    'section',
    { id: 'list-section', part: 'list', class: 'card' },
    h('div', { class: 'table-head' }, h('h2', { id: 'tokens-heading', tabindex: '-1' }, t('tokensHeading')), bulkMenu),
    h('p', { id: 'action-error', class: 'error', part: 'error', role: 'alert' }),
    h('p', { id: 'loading', role: 'status', part: 'loading', class: 'state' }, t('loading')),
    h(
      'div',
      { id: 'load-error', part: 'error-state', class: 'state error-state', hidden: true },
      h('p', { id: 'load-error-text', role: 'alert' }),
      h('button', { type: 'button', id: 'retry', class: 'secondary', part: 'button secondary-button' }, t('retry')),
    ),
    h(
      'table',
      { id: 'tokens-table', part: 'table', hidden: true },
      h('caption', { class: 'sr-only' }, t('tableCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', { class: 'check' }, h('input', { type: 'checkbox', id: 'select-all', part: 'checkbox', 'aria-label': t('selectAll') })),
          ...(['columnName', 'columnScope', 'columnPermissions', 'columnCreated', 'columnExpires', 'columnLastActive', 'columnStatus'] as const).map((key) =>
            h('th', { scope: 'col', 'data-col': key === 'columnPermissions' ? 'permissions' : null }, t(key)),
          ),
          h('th', { scope: 'col', class: 'actions-col' }, h('span', { class: 'sr-only' }, t('columnActions'))),
        ),
      ),
      h('tbody', { id: 'tokens-body' }),
    ),
    h('p', { id: 'empty', part: 'empty', class: 'state', hidden: true }, t('empty')),
    h('button', { type: 'button', id: 'load-more', class: 'secondary', part: 'button secondary-button', hidden: true }, t('loadMore')),
  );
}

export interface RowContext {
  strings: Partial<Strings>;
  dates: DateFormatter;
  now: number;
  selected: boolean;
  menu: HTMLElement;
}

function time(ms: number, text: string, dates: DateFormatter): HTMLTimeElement {
  return h('time', { datetime: new Date(ms).toISOString(), title: dates.dateTime(ms) }, text);
}

/** A row's permissions: up to two as chips, more behind a "3 permissions" disclosure. */
function permissionsCell(permissions: readonly string[] | null, t: (key: StringKey, params?: Record<string, string>) => string): Node | string {
  if (!permissions?.length) return t('permissionsNone');
  const chips = h('span', { class: 'chips' }, ...permissions.map((name) => h('code', { class: 'chip', part: 'permission' }, name)));
  return permissions.length <= 2 ? chips : h('details', {}, h('summary', {}, t('permissionsCount', { count: String(permissions.length) })), chips);
}

/** One token's row. The hint (prefix + 4 characters) is all of the secret the page ever lists. */
export function rowTemplate(token: TokenListItem, { strings, dates, now, selected, menu }: RowContext): HTMLTableRowElement {
  const t = (key: StringKey, params?: Record<string, string>) => format(strings, key, params);
  const checkbox = h('input', { type: 'checkbox', part: 'checkbox', 'data-id': token.id, 'aria-label': t('selectToken', { name: token.name }) });
  checkbox.checked = selected;
  const expired = token.status === 'expired';
  const soon = !expired && token.expiresSoon;
  const previous = token.previousSecret;
  return h(
    'tr',
    { part: 'row', 'data-id': token.id, 'data-status': token.status, 'data-expires-soon': soon },
    h('td', { class: 'check' }, checkbox),
    h(
      'th',
      { scope: 'row', class: 'name' },
      h('span', { class: 'token-name' }, token.name),
      h('code', { class: 'hint-code', part: 'hint' }, `${token.hint}…`),
      previous && h('span', { class: 'previous hint', part: 'previous-secret', 'data-expires-at': previous.expiresAt }, t('previousSecret', { hint: previous.hint, date: dates.dateTime(previous.expiresAt) })),
    ),
    h('td', { 'data-col': 'scope' }, h('span', { class: token.scope.kind === 'organization' ? 'badge org' : 'badge', part: 'badge' }, token.scope.kind === 'organization' ? t('scopeOrganization') : token.scopeLabel)),
    h('td', { 'data-col': 'permissions' }, permissionsCell(token.permissions, t)),
    h('td', { 'data-col': 'created' }, time(token.createdAt, dates.day(token.createdAt), dates)),
    h('td', { 'data-col': 'expires', 'data-expires-at': token.expiresAt ?? '' }, token.expiresAt === null ? t('never') : time(token.expiresAt, dates.day(token.expiresAt), dates)),
    h('td', { 'data-col': 'last-active' }, token.lastUsedAt === null ? t('neverUsed') : time(token.lastUsedAt, dates.relative(token.lastUsedAt, now, t('justNow')), dates)),
    h(
      'td',
      { 'data-col': 'status' },
      h('span', { class: `badge ${expired ? 'expired' : soon ? 'soon' : 'active'}`, part: 'badge status' }, t(expired ? 'statusExpired' : soon ? 'statusExpiresSoon' : 'statusActive')),
    ),
    h('td', { class: 'actions-col' }, menu),
  );
}

/** Members (and anyone the API answers 403) see this instead of the page. */
export function noticeTemplate(heading: string, text: string): HTMLElement {
  return h('section', { id: 'notice', part: 'notice', class: 'card notice' }, h('h2', { id: 'notice-heading' }, heading), h('p', {}, text));
}
