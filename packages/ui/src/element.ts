/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// <keyward-tokens>: wires the API client, the state and the templates together.
import { ApiError, EXPIRY_PRESETS, RATE_WINDOWS, ROLL_GRACE_PRESETS, createApiClient, type ApiClient, type ExpiryPreset, type HeadersOption, type RollGracePreset, type TokenInfo, type TokenListItem } from './api.js';
import { ActivityView } from './activity.js';
import { createConfirmDialog, createRevealDialog, type ConfirmDialog, type RevealDialog } from './dialogs.js';
import { h } from './dom.js';
import { announce, focusInPlace, showMessage } from './focus.js';
import { createLocalizer, pageLocale, type Localizer, type Params } from './i18n.js';
import { limitErrorSlot, limitFieldsTemplate, readLimits } from './limits.js';
import { createMenu, type Menu, type MenuItemSpec } from './menu.js';
import { TokensModel, type Change } from './state.js';
import type { StringKey, Strings } from './strings.js';
import { STYLES } from './styles.js';
import { usagePlaceholder, usageSummary } from './usage-chart.js';
import { USAGE_DAYS, UsageLoader } from './usage-loader.js';
import { COLUMNS, createFormTemplate, errorSlot, field, listTemplate, noticeTemplate, permissionCheckboxes, rowErrorTemplate, rowTemplate, type ProjectOption } from './templates.js';

/** Fired (bubbling, composed) after a token was created. `detail.token` never holds the secret. */
export type TokenCreatedEvent = CustomEvent<{ token: { id: string; name: string } }>;
/** Fired (bubbling, composed) after tokens were deleted. */
export type TokensDeletedEvent = CustomEvent<{ ids: string[] }>;
/** Fired (bubbling, composed) after a token was renamed (`keyward-token-updated`) or its secret rolled (`keyward-token-rolled`). Never the secret. */
export type TokenChangedEvent = CustomEvent<{ token: { id: string; name: string } }>;

// Which field's error slot a server-side validation path belongs to.
const ERROR_SLOTS: Record<string, string> = { name: 'name-error', scope: 'scope-error', expiresIn: 'expiry-error', permissions: 'permissions-error' };
const SLOT_FIELDS: Record<string, string> = {
  'name-error': 'token-name',
  'scope-error': 'token-scope',
  'expiry-error': 'token-expiry',
  'permissions-error': 'permissions-field',
  'create-rate-error': 'create-limit',
  'create-credits-error': 'create-credits',
  'edit-rate-error': 'edit-limit',
  'edit-credits-error': 'edit-credits',
};
const GRACE_KEYS: Record<RollGracePreset, StringKey> = { now: 'graceNow', '1h': 'grace1h', '24h': 'grace24h', '3d': 'grace3d', '7d': 'grace7d' };

/** `light`, `dark`, or `auto` (the default: the page's `prefers-color-scheme`). */
export type Theme = 'light' | 'dark' | 'auto';

function parseProjects(json: string): ProjectOption[] {
  try {
    return json ? (JSON.parse(json) as ProjectOption[]) : [];
  } catch {
    console.warn('<keyward-tokens>: the projects attribute must be JSON like [{"id":"proj_1","name":"Catalog"}]');
    return [];
  }
}

// Importing on a server (SSR) must not throw: there is no HTMLElement there, and nothing to render.
const Base: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as typeof HTMLElement) : HTMLElement;

/**
 * The whole API tokens settings page as one element, over keyward's management API.
 *
 * Attributes: `api` (where the management API is mounted, e.g. `/settings`), `projects` (JSON
 * `[{ id, name }]`, the projects a token may be scoped to), `locale` (default: the page's `lang`),
 * `theme` (`light`, `dark` or `auto`), `page-size`, `default-expiry`.
 * Properties: the same, plus `headers` (extra request headers, or a function returning them) and
 * `strings` (replacements for any of the texts; `@keyward/ui/locales` has German and Arabic).
 * @example
 * <keyward-tokens api="/settings" projects='[{"id":"proj_1","name":"Catalog"}]'></keyward-tokens>
 * <script type="module">
 *   import '@keyward/ui/define';
 *   document.querySelector('keyward-tokens').headers = () => ({ 'x-csrf-token': readCsrfCookie() });
 * </script>
 */
export class KeywardTokensElement extends Base {
  static readonly observedAttributes = ['api', 'projects', 'locale', 'page-size', 'default-expiry'];
  // `theme` is not observed: the styles follow the attribute by themselves (:host([theme=dark])).

  readonly #root: ShadowRoot;
  readonly #model = new TokensModel();
  #strings: Partial<Strings> = {};
  #projects: ProjectOption[] = [];
  #headers: HeadersOption = null;
  #built = false;
  #loadedFor: string | null = null;
  // Bumped whenever the API changes, so answers to an older API are dropped.
  #generation = 0;
  #previewSeq = 0;
  #creating = false;
  #l10n: Localizer = createLocalizer({}, 'en');
  #bulkMenu: Menu | null = null;
  #openMenu: Menu | null = null;
  #reveal: RevealDialog | null = null;
  #confirm: ConfirmDialog | null = null;
  #rollConfirm: ConfirmDialog | null = null;
  #rename: ConfirmDialog | null = null;
  #limits: ConfirmDialog | null = null;
  #unsubscribe: (() => void) | null = null;
  #previewTimer: ReturnType<typeof setInterval> | undefined;
  #activity: ActivityView | null = null;
  readonly #usage = new UsageLoader({
    fetch: (id) => this.#client().usage(id, USAGE_DAYS),
    changed: (id) => {
      const state = this.#usage.state(id);
      // A signed-out or demoted user: the whole page says so, as for any other request.
      if (!(typeof state === 'object' && 'error' in state && this.#handleAccess(state.error))) this.#renderUsage(id);
    },
    unavailable: () => this.#$('tokens-table').classList.add('no-usage'),
  });

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    // Every change this page makes is in the trail: the Activity view shows it at once.
    for (const type of ['keyward-token-created', 'keyward-tokens-deleted', 'keyward-token-updated', 'keyward-token-rolled']) this.addEventListener(type, () => void this.#activity?.refresh());
  }

  /** Where the host mounted the management API; requests go to `${api}/tokens…`. */
  get api(): string {
    return this.getAttribute('api') ?? '';
  }
  set api(value: string) {
    this.setAttribute('api', value);
  }

  /** Extra headers for every request (e.g. a CSRF token): an object, or a (possibly async) function. */
  get headers(): HeadersOption {
    return this.#headers;
  }
  set headers(value: HeadersOption) {
    this.#headers = value;
  }

  /** The projects offered as scopes. The management API does not list projects: the host does. */
  get projects(): ProjectOption[] {
    return this.#projects;
  }
  set projects(value: ProjectOption[] | string) {
    // A framework may hand the attribute's JSON to the property.
    if (typeof value === 'string') value = parseProjects(value);
    const next = Array.isArray(value) ? value.map((p) => ({ id: String(p.id), name: String(p.name) })) : [];
    // Frameworks set properties again on every render, with new but equal values: redrawing the
    // form then would lose what the user typed (and an open dialog), so only real changes count.
    if (JSON.stringify(next) === JSON.stringify(this.#projects)) return;
    this.#projects = next;
    this.#rebuild();
  }

  /** Replacements for any of the texts (see DEFAULT_STRINGS); missing keys keep their default. */
  get strings(): Partial<Strings> {
    return this.#strings;
  }
  set strings(value: Partial<Strings>) {
    const next = { ...value };
    const keys = new Set([...Object.keys(next), ...Object.keys(this.#strings)]) as Set<StringKey>;
    if ([...keys].every((key) => next[key] === this.#strings[key])) return;
    this.#strings = next;
    this.#rebuild();
  }

  /** BCP 47 locale for numbers and dates; default: the page's language (the nearest `lang`), else the browser's. */
  get locale(): string | undefined {
    return this.getAttribute('locale') ?? undefined;
  }
  set locale(value: string | undefined) {
    if (value) this.setAttribute('locale', value);
    else this.removeAttribute('locale');
  }

  /** `light`, `dark`, or `auto` (default): follow the page's `prefers-color-scheme`. */
  get theme(): Theme {
    const value = this.getAttribute('theme');
    return value === 'light' || value === 'dark' ? value : 'auto';
  }
  set theme(value: Theme) {
    this.setAttribute('theme', value);
  }

  get pageSize(): number {
    const n = Number(this.getAttribute('page-size'));
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 50;
  }
  set pageSize(value: number) {
    this.setAttribute('page-size', String(value));
  }

  /** Reloads the list, each token's usage and the Activity view from the server. */
  refresh(): Promise<void> {
    this.#usage.clear();
    void this.#activity?.load();
    return this.#loadFirstPage(true);
  }

  connectedCallback(): void {
    // A page may set properties before the element is defined: those landed on the plain element
    // and would hide the accessors. Take them over.
    for (const key of ['headers', 'projects', 'strings', 'api', 'locale', 'theme', 'pageSize'] as const) {
      if (Object.hasOwn(this, key)) {
        const value = (this as unknown as Record<string, unknown>)[key];
        delete (this as unknown as Record<string, unknown>)[key];
        (this as unknown as Record<string, unknown>)[key] = value;
      }
    }
    if (!this.#built) this.#rebuild(true);
    this.#unsubscribe ??= this.#model.subscribe((changes) => this.#render(changes));
    document.addEventListener('pointerdown', this.#onOutsidePointer, true);
    // The preview shows minutes: ask again each minute so a page left open stays exact.
    this.#previewTimer ??= setInterval(() => {
      if (this.#model.state.phase === 'ready' && document.visibilityState === 'visible') void this.#updatePreview();
    }, 60_000);
    if (this.#loadedFor !== this.api) void this.#loadFirstPage(false);
  }

  disconnectedCallback(): void {
    document.removeEventListener('pointerdown', this.#onOutsidePointer, true);
    clearInterval(this.#previewTimer);
    this.#previewTimer = undefined;
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'projects') {
      this.projects = value ?? '';
    } else if (name === 'api') {
      this.#generation++;
      this.#usage.clear();
      if (this.isConnected && this.#built) void this.#loadFirstPage(false);
    } else if (name === 'locale') {
      this.#rebuild();
    } else if (name === 'default-expiry') {
      this.#rebuild();
    }
  }

  // ── building and rendering

  #t(key: StringKey, params?: Params): string {
    return this.#l10n.text(key, params);
  }

  #$<T extends HTMLElement = HTMLElement>(id: string): T {
    return this.#root.getElementById(id) as T;
  }

  #client(): ApiClient {
    // A function, so a `headers` property changed later still applies.
    return createApiClient({ base: this.api, headers: () => (typeof this.#headers === 'function' ? this.#headers() : (this.#headers ?? {})) });
  }

  #rebuild(force = false): void {
    if (!this.#built && !force) return;
    this.#built = true;
    this.#l10n = createLocalizer(this.#strings, pageLocale(this, this.getAttribute('locale')));
    this.#openMenu = null;
    this.#bulkMenu = createMenu(this.#t('bulkActions'), [{ text: this.#t('deleteSelected'), onSelect: () => this.#askDelete(this.#model.selectedTokens()) }], this.#onMenuOpen);
    this.#reveal = createRevealDialog(this.#l10n);
    this.#confirm = createConfirmDialog(this.#l10n);
    const nameInput = h('input', { id: 'rename-name', part: 'input', maxlength: 100, autocomplete: 'off', required: true, dir: 'auto', 'aria-describedby': 'rename-error' });
    this.#rename = createConfirmDialog(this.#l10n, { id: 'rename', confirmKey: 'renameSave', body: field('rename-name', this.#t('nameLabel'), nameInput, errorSlot('rename-error')) });
    // The grace choice: 24 hours unless the admin picks another, so running jobs are not cut off by default.
    const grace = h('select', { id: 'roll-grace', part: 'select' }, ...ROLL_GRACE_PRESETS.map((p) => h('option', { value: p, selected: p === '24h' }, this.#t(GRACE_KEYS[p]))));
    this.#rollConfirm = createConfirmDialog(this.#l10n, { id: 'roll', confirmKey: 'rollConfirm', body: field('roll-grace', this.#t('rollGraceLabel'), grace) });
    this.#limits = createConfirmDialog(this.#l10n, { id: 'limits', confirmKey: 'renameSave', body: h('div', { id: 'limits-body' }) });
    const preset = this.getAttribute('default-expiry');
    this.#activity = new ActivityView({ l10n: this.#l10n, client: () => this.#client(), pageSize: this.pageSize, handleAccess: (e) => this.#handleAccess(e), detail: (e) => this.#detail(e) });
    const form = createFormTemplate(this.#l10n, this.#projects, EXPIRY_PRESETS.includes(preset as ExpiryPreset) ? (preset as ExpiryPreset) : '30d');
    this.#root.replaceChildren(
      h('style', {}, STYLES),
      h(
        'div',
        { part: 'root', class: 'root' },
        h('div', { id: 'notice-slot' }),
        form,
        listTemplate(this.#l10n, this.#bulkMenu.root),
        this.#activity.section,
        h('p', { id: 'announce', class: 'sr-only', role: 'status' }),
        this.#reveal.element,
        this.#confirm.element,
        this.#rollConfirm.element,
        this.#rename.element,
        this.#limits.element,
      ),
    );
    this.#$('create-form').addEventListener('submit', (event) => void this.#create(event));
    this.#$('token-expiry').addEventListener('change', () => void this.#updatePreview());
    // A field's error is about what was in it: it goes as soon as that changes.
    this.#$('token-name').addEventListener('input', () => this.#clearFieldError('name-error'));
    this.#$('token-scope').addEventListener('change', () => this.#clearFieldError('scope-error'));
    this.#$('permissions-list').addEventListener('change', () => this.#clearFieldError('permissions-error'));
    this.#$('limits-field').addEventListener('input', () => this.#clearLimitErrors('create'));
    this.#$('limits-body').addEventListener('input', () => this.#clearLimitErrors('edit'));
    nameInput.addEventListener('input', () => {
      this.#$('rename-error').textContent = '';
      nameInput.removeAttribute('aria-invalid');
    });
    this.#$<HTMLInputElement>('select-all').addEventListener('change', (event) => this.#model.selectAll((event.target as HTMLInputElement).checked));
    this.#$('tokens-body').addEventListener('change', (event) => {
      const box = event.target as HTMLInputElement;
      if (box.dataset.id) this.#model.toggle(box.dataset.id, box.checked);
    });
    this.#$('retry').addEventListener('click', () => void this.#loadFirstPage(false));
    this.#$('load-more').addEventListener('click', () => void this.#loadMore());
    // A row's "Daily numbers" stays open when the row is drawn again (toggle does not bubble).
    this.#$('tokens-body').addEventListener(
      'toggle',
      (event) => {
        const id = (event.target as HTMLElement).closest<HTMLElement>('[data-usage-for]')?.dataset.usageFor;
        if (id && (event.target as HTMLElement).matches('details.usage-days')) this.#usage.open[(event.target as HTMLDetailsElement).open ? 'add' : 'delete'](id);
      },
      true,
    );
    this.#$('tokens-table').classList.toggle('no-usage', !this.#usage.available);
    this.#render(new Set<Change>(['phase', 'rows', 'selection', 'preview', 'more', 'permissions']));
    // Rebuilt with other strings or projects: the trail is drawn anew in them.
    if (this.#model.state.phase === 'ready') void this.#activity.load();
  }

  #render(changes: ReadonlySet<Change>): void {
    if (!this.#built) return;
    const { state } = this.#model;
    if (changes.has('phase')) {
      const slot = this.#$('notice-slot');
      slot.replaceChildren();
      if (state.phase === 'forbidden') slot.append(noticeTemplate(this.#t('forbiddenHeading'), this.#t('forbiddenText')));
      if (state.phase === 'unauthenticated') slot.append(noticeTemplate(this.#t('forbiddenHeading'), this.#t('unauthenticated')));
      const denied = state.phase === 'forbidden' || state.phase === 'unauthenticated';
      this.#$('create-section').hidden = state.phase !== 'ready';
      this.#$('list-section').hidden = denied;
      this.#$('loading').hidden = state.phase !== 'loading';
      this.#$('load-error').hidden = state.phase !== 'error';
      this.#$('load-error-text').textContent = state.phase === 'error' ? this.#t('loadFailed', { detail: state.error ?? '' }) : '';
      this.#bulkMenu!.root.hidden = state.phase !== 'ready';
      this.#$('list-section').setAttribute('aria-busy', String(state.phase === 'loading'));
      this.#activity!.show(state.phase === 'ready');
      this.dataset.state = state.phase;
    }
    if (changes.has('permissions')) {
      const list = this.#model.state.permissions;
      this.#$('permissions-list').replaceChildren(...permissionCheckboxes(list));
      this.#$('permissions-field').hidden = list.length === 0;
    }
    if (changes.has('rows') || changes.has('phase') || changes.has('permissions')) this.#renderRows();
    if (changes.has('selection') || changes.has('rows')) this.#renderSelection();
    if (changes.has('preview')) this.#renderPreview();
    if (changes.has('more') || changes.has('phase')) {
      const more = this.#$<HTMLButtonElement>('load-more');
      more.hidden = state.phase !== 'ready' || !state.nextCursor;
      more.disabled = state.loadingMore;
      more.setAttribute('aria-busy', String(state.loadingMore));
    }
  }

  #renderRows(): void {
    const { state } = this.#model;
    const ready = state.phase === 'ready';
    if (this.#openMenu && this.#openMenu !== this.#bulkMenu) this.#openMenu = null;
    // Rows are drawn anew: note which row control had the focus, to give it back without a scroll.
    const active = this.#root.activeElement;
    const activeRow = active?.closest<HTMLElement>('tr[data-id]')?.dataset.id;
    const activeKind = active?.matches('input') ? 'input' : '[aria-haspopup]';
    const now = Date.now();
    const span = COLUMNS.length + 3;
    const rows = ready
      ? state.tokens.flatMap((token) => [
          rowTemplate(token, {
            l10n: this.#l10n,
            now,
            selected: state.selected.has(token.id),
            usage: this.#usageContent(token),
            menu: createMenu(this.#t('rowActions', { name: token.name }), this.#rowActions(token), this.#onMenuOpen).root,
          }),
          ...(state.rowErrors.has(token.id) ? [rowErrorTemplate(token.id, state.rowErrors.get(token.id)!, span)] : []),
        ])
      : [];
    this.#$('tokens-body').replaceChildren(...rows);
    this.#usage.watch([...this.#root.querySelectorAll<HTMLElement>('#tokens-body td[data-usage-for]')]);
    if (activeRow) this.#rowControl(activeRow, activeKind)?.focus({ preventScroll: true });
    // No column for permissions on a host without a catalog (unless older tokens carry some).
    this.#$('tokens-table').classList.toggle('no-perms', state.permissions.length === 0 && state.tokens.every((t) => t.permissions === null));
    this.#$('tokens-table').classList.toggle('no-limits', state.tokens.every((t) => t.remaining === null && t.rateLimit === null));
    this.#$('tokens-table').hidden = !ready || state.tokens.length === 0;
    this.#$('empty').hidden = !ready || state.tokens.length > 0;
  }

  /**
   * A row's menu. A token with a leaked secret that still works offers the fix first (where the
   * menu opens): rolling it, the found secret stopping at once by default; Delete stays last.
   */
  #rowActions(token: TokenListItem): MenuItemSpec[] {
    const roll = { text: this.#t(token.leak ? 'rollLeakedAction' : 'rollAction'), onSelect: () => void this.#askRoll(token) };
    const items = [
      { text: this.#t('renameAction'), onSelect: () => void this.#askRename(token) },
      { text: this.#t(token.enabled ? 'pauseAction' : 'resumeAction'), onSelect: () => void this.#setEnabled(token, !token.enabled) },
      { text: this.#t('limitsAction'), onSelect: () => void this.#askLimits(token) },
    ];
    return [...(token.leak ? [roll, ...items] : [...items, roll]), { text: this.#t('deleteAction'), onSelect: () => void this.#askDelete([token]) }];
  }

  /** What a row's usage cell shows: the chart once its numbers are in, else why not yet. */
  #usageContent(token: TokenListItem): Node | string {
    const state = this.#usage.state(token.id);
    if (state === undefined || state === 'loading') return usagePlaceholder(this.#t('usageLoading'), 'muted');
    if ('report' in state) return usageSummary(state.report, token.name, this.#l10n, this.#usage.open.has(token.id));
    // Deleted meanwhile: the row goes at the next reload; nothing to say about it here.
    if (state.error instanceof ApiError && state.error.code === 'TOKEN_NOT_FOUND') return '';
    return usagePlaceholder(this.#t('usageFailed'), 'error');
  }

  /** Redraws one row's usage cell, leaving the rest of the row (and the focus in it) alone. */
  #renderUsage(id: string): void {
    const token = this.#model.state.tokens.find((t) => t.id === id);
    const cell = [...this.#root.querySelectorAll<HTMLElement>('#tokens-body td[data-usage-for]')].find((c) => c.dataset.usageFor === id);
    if (token && cell) cell.replaceChildren(this.#usageContent(token));
  }

  #renderSelection(): void {
    const { state } = this.#model;
    for (const box of this.#root.querySelectorAll<HTMLInputElement>('#tokens-body input[data-id]')) box.checked = state.selected.has(box.dataset.id!);
    const all = this.#$<HTMLInputElement>('select-all');
    const count = state.selected.size;
    all.checked = count > 0 && count === state.tokens.length;
    all.indeterminate = count > 0 && count < state.tokens.length;
    const item = this.#bulkMenu!.items[0]!;
    item.textContent = count > 0 ? this.#t('deleteSelectedCount', { count }) : this.#t('deleteSelected');
    if (count > 0) item.removeAttribute('aria-disabled');
    else item.setAttribute('aria-disabled', 'true');
  }

  #renderPreview(): void {
    const preview = this.#model.state.preview;
    const target = this.#$('expiry-preview');
    if (!preview) {
      target.textContent = '';
      delete target.dataset.expiresAt;
      return;
    }
    target.dataset.expiresAt = preview.expiresAt === null ? 'never' : String(preview.expiresAt);
    target.textContent = preview.expiresAt === null ? this.#t('previewNever') : this.#t('previewExpires', { date: this.#l10n.dates.dateTime(preview.expiresAt) });
  }

  #announce(text: string): void {
    announce(this.#root, text);
  }

  /** A control of a listed row: its checkbox (`input`) or its menu button. */
  #rowControl(id: string, kind: 'input' | '[aria-haspopup]'): HTMLElement | null {
    for (const row of this.#root.querySelectorAll<HTMLElement>('#tokens-body tr[data-id]')) if (row.dataset.id === id) return row.querySelector<HTMLElement>(kind);
    return null;
  }

  // ── menus

  readonly #onMenuOpen = (menu: Menu): void => {
    if (this.#openMenu && this.#openMenu !== menu) this.#openMenu.close(false);
    this.#openMenu = menu;
  };

  readonly #onOutsidePointer = (event: Event): void => {
    const menu = this.#openMenu;
    if (menu?.isOpen() && !event.composedPath().includes(menu.root)) menu.close(false);
  };

  // ── server calls

  /** 401 and 403 replace the page with a notice; anything else is the caller's to show. */
  #handleAccess(error: unknown): boolean {
    if (!(error instanceof ApiError)) return false;
    if (error.status === 403) this.#model.setPhase('forbidden');
    else if (error.status === 401) this.#model.setPhase('unauthenticated');
    else return false;
    return true;
  }

  #detail(error: unknown): string {
    if (error instanceof ApiError) return error.status === 0 ? this.#t('unreachable') : error.message;
    return error instanceof Error ? error.message : String(error);
  }

  async #loadFirstPage(quiet: boolean): Promise<void> {
    const generation = this.#generation;
    this.#loadedFor = this.api;
    if (!quiet || this.#model.state.phase !== 'ready') this.#model.setPhase('loading');
    try {
      const page = await this.#client().list({ limit: this.pageSize });
      if (generation !== this.#generation) return;
      const first = this.#model.state.phase !== 'ready';
      this.#model.setPage(page, false);
      if (first) {
        void this.#updatePreview();
        void this.#loadPermissions();
        void this.#activity?.load();
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      if (!this.#handleAccess(error)) this.#model.setPhase('error', this.#detail(error));
    }
  }

  async #loadMore(): Promise<void> {
    const { nextCursor } = this.#model.state;
    if (!nextCursor) return;
    const generation = this.#generation;
    const firstNew = this.#model.state.tokens.length;
    this.#model.setLoadingMore(true);
    showMessage(this.#$('more-error'), '');
    try {
      const page = await this.#client().list({ limit: this.pageSize, cursor: nextCursor });
      if (generation !== this.#generation) return;
      this.#model.setPage(page, true);
      // Keep keyboard users where they were: on the button if more remain, else on the first row
      // just loaded (where the button was), never back at the top of the list.
      const first = this.#model.state.tokens[firstNew];
      if (!page.nextCursor && first) focusInPlace(this.#rowControl(first.id, 'input'));
    } catch (error) {
      this.#model.setLoadingMore(false);
      if (!this.#handleAccess(error)) showMessage(this.#$('more-error'), this.#t('loadMoreFailed', { detail: this.#detail(error) }));
    }
  }

  async #updatePreview(): Promise<void> {
    const seq = ++this.#previewSeq;
    const preset = this.#$<HTMLSelectElement>('token-expiry').value as ExpiryPreset;
    // A new choice: the error about the last one no longer applies.
    this.#clearFieldError('expiry-error');
    try {
      const preview = await this.#client().preview(preset);
      if (seq === this.#previewSeq) this.#model.setPreview(preview);
    } catch (error) {
      if (seq !== this.#previewSeq || this.#handleAccess(error)) return;
      this.#model.setPreview(null);
      this.#$('expiry-error').textContent = this.#t('requestFailed', { detail: this.#detail(error) });
    }
  }

  async #loadPermissions(): Promise<void> {
    const generation = this.#generation;
    try {
      const { permissions } = await this.#client().permissions();
      if (generation === this.#generation) this.#model.setPermissions(permissions);
    } catch (error) {
      // A management API older than permissions answers 404: it has no catalog, so no picker.
      if (generation !== this.#generation || this.#handleAccess(error) || (error instanceof ApiError && error.status === 404)) return;
      this.#$('form-error').textContent = this.#t('requestFailed', { detail: this.#detail(error) });
    }
  }

  #clearFormErrors(): void {
    for (const slot of ['name-error', 'scope-error', 'expiry-error', 'permissions-error', 'form-error']) this.#clearFieldError(slot);
    this.#clearLimitErrors('create');
  }

  #clearLimitErrors(prefix: string): void {
    for (const slot of ['rate-error', 'credits-error']) this.#clearFieldError(`${prefix}-${slot}`);
  }

  /**
   * Shows the server's (or the form's own) complaints about limit fields under those fields and
   * focuses the first; answers false when `error` is not about them.
   */
  #showLimitErrors(prefix: string, issues: readonly { path: string; message: string }[]): HTMLElement | null {
    let first: HTMLElement | null = null;
    for (const { path, message } of issues) {
      const slotId = limitErrorSlot(path, prefix);
      if (!slotId) continue;
      const slot = this.#$(slotId);
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      const control = this.#$(SLOT_FIELDS[slotId]!);
      control.setAttribute('aria-invalid', 'true');
      first ??= control;
    }
    return first;
  }

  #clearFieldError(slot: string): void {
    this.#$(slot).textContent = '';
    const fieldId = SLOT_FIELDS[slot];
    if (fieldId) this.#$(fieldId).removeAttribute('aria-invalid');
  }

  #showFormError(error: unknown): void {
    const problem = error instanceof ApiError ? error.problem : null;
    const issues =
      error instanceof ApiError && error.code === 'NAME_TAKEN'
        ? [{ path: 'name', message: this.#t('nameTaken', { name: this.#$<HTMLInputElement>('token-name').value.trim() }) }]
        : error instanceof ApiError && error.status === 400 && problem?.errors?.length
          ? problem.errors
          : [{ path: '', message: this.#t('requestFailed', { detail: this.#detail(error) }) }];
    // The limits disclosure opens when one of its fields is refused, so the error is seen.
    let first: HTMLElement | null = this.#showLimitErrors('create', issues);
    if (first) this.#$<HTMLDetailsElement>('limits-field').open = true;
    for (const { path, message } of issues) {
      if (limitErrorSlot(path, 'create')) continue;
      const slotId = ERROR_SLOTS[path.split('.')[0] ?? ''] ?? 'form-error';
      const slot = this.#$(slotId);
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      const fieldId = SLOT_FIELDS[slotId];
      if (fieldId) {
        const control = this.#$(fieldId);
        control.setAttribute('aria-invalid', 'true');
        // The permissions group takes the focus on its first checkbox.
        first ??= control.querySelector('input') ?? control;
      }
    }
    focusInPlace(first);
    if (!first) this.#$('form-error').scrollIntoView({ block: 'nearest' });
  }

  async #create(event: Event): Promise<void> {
    event.preventDefault();
    if (this.#creating) return;
    this.#clearFormErrors();
    const nameInput = this.#$<HTMLInputElement>('token-name');
    const projectId = this.#$<HTMLSelectElement>('token-scope').value;
    const expiresIn = this.#$<HTMLSelectElement>('token-expiry').value as ExpiryPreset;
    const boxes = [...this.#root.querySelectorAll<HTMLInputElement>('#permissions-list input')];
    // Sent only when the host declares a catalog: the API refuses permissions otherwise.
    const permissions = this.#model.state.permissions.length ? { permissions: boxes.filter((b) => b.checked).map((b) => b.value) } : {};
    const limits = readLimits(this.#root, 'create');
    if ('missing' in limits) return this.#showFormError(new ApiError(400, { errors: [{ path: 'refill', message: this.#t('refillNeedsCredits') }] }, ''));
    // Only the limits set: an absent one is the host's default, not "none".
    const limitFields = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== null));
    const button = this.#$<HTMLButtonElement>('create-button');
    this.#creating = true;
    // aria-disabled, not disabled: a disabled button drops the focus, and the dialog could not give it back.
    button.setAttribute('aria-disabled', 'true');
    button.textContent = this.#t('creating');
    let created;
    try {
      created = await this.#client().create({ name: nameInput.value, scope: projectId ? { kind: 'project', projectId } : { kind: 'organization' }, expiresIn, ...permissions, ...limitFields });
    } catch (error) {
      if (!this.#handleAccess(error)) this.#showFormError(error);
      return;
    } finally {
      this.#creating = false;
      button.removeAttribute('aria-disabled');
      button.textContent = this.#t('createButton');
    }
    nameInput.value = '';
    for (const box of boxes) box.checked = false;
    for (const input of this.#root.querySelectorAll<HTMLInputElement>('#limits-field input')) input.value = '';
    this.#$<HTMLSelectElement>('create-refill').value = '';
    this.dispatchEvent(new CustomEvent('keyward-token-created', { detail: { token: { id: created.token.id, name: created.token.name } }, bubbles: true, composed: true }));
    const reload = this.#loadFirstPage(true);
    const plaintext = created.plaintext;
    // Said inside the dialog, as part of what it reads out when it opens: outside, it would be inert.
    const status = this.#l10n.nodes('created', { name: created.token.name });
    created = undefined;
    await this.#reveal!.show(plaintext, { status });
    await reload;
    void this.#updatePreview();
  }

  async #askDelete(tokens: TokenListItem[]): Promise<void> {
    if (tokens.length === 0) return;
    const one = tokens.length === 1;
    const title = one ? this.#l10n.nodes('confirmDeleteOne', { name: tokens[0]!.name }) : this.#t('confirmDeleteMany', { count: tokens.length });
    const text = this.#t('confirmDeleteText', { what: this.#t(one ? 'confirmWhatOne' : 'confirmWhatMany') });
    if (!(await this.#confirm!.ask(title, text))) return;
    const ids = tokens.map((t) => t.id);
    const api = this.#client();
    let notFound: string[] = [];
    // A failure is shown where the action started: under the row, or at the header's menu.
    if (one) this.#model.setRowError(ids[0]!, null);
    else showMessage(this.#$('bulk-error'), '');
    try {
      if (one) await api.remove(ids[0]!);
      else ({ notFound } = await api.removeMany(ids));
    } catch (error) {
      if (this.#handleAccess(error)) return;
      const message = this.#t('deleteFailed', { detail: this.#detail(error) });
      if (one) this.#showRowError(ids[0]!, message);
      else showMessage(this.#$('bulk-error'), message);
      return;
    }
    // The focus goes to the row that takes the deleted one's place (or the one before it), so the
    // page stays where it is; after a bulk delete, back to the menu it started from.
    const at = this.#model.state.tokens.findIndex((t) => ids.includes(t.id));
    this.#model.removeTokens(ids);
    // Another admin may have deleted some a moment earlier: the rest are deleted all the same, and
    // the ones that were already gone are named where the action happened.
    const gone = tokens.filter((t) => notFound.includes(t.id));
    const deleted = tokens.filter((t) => !notFound.includes(t.id));
    if (gone.length > 0) {
      const names = new Intl.ListFormat(this.#l10n.locale, { type: 'conjunction' }).format(gone.map((t) => `"${t.name}"`));
      showMessage(this.#$('bulk-error'), this.#t('alreadyDeleted', { names }));
    }
    if (deleted.length > 0) this.#announce(deleted.length === 1 ? this.#t('deletedOne', { name: deleted[0]!.name }) : this.#t('deletedMany', { count: deleted.length }));
    this.dispatchEvent(new CustomEvent('keyward-tokens-deleted', { detail: { ids }, bubbles: true, composed: true }));
    const left = this.#model.state.tokens;
    const next = left[Math.min(at, left.length - 1)];
    if (!one) focusInPlace(this.#bulkMenu!.button);
    else if (next) focusInPlace(this.#rowControl(next.id, '[aria-haspopup]'));
    else focusInPlace(this.#$('tokens-heading'));
    if (left.length === 0 && this.#model.state.nextCursor) await this.#loadFirstPage(true);
  }

  #showRowError(id: string, message: string): void {
    this.#model.setRowError(id, message);
    for (const row of this.#root.querySelectorAll<HTMLElement>('#tokens-body tr.row-error')) if (row.dataset.errorFor === id) row.scrollIntoView({ block: 'nearest' });
  }

  #changed(type: 'updated' | 'rolled', token: { id: string; name: string }): void {
    this.dispatchEvent(new CustomEvent(`keyward-token-${type}`, { detail: { token: { id: token.id, name: token.name } }, bubbles: true, composed: true }));
  }

  async #askRename(token: TokenListItem): Promise<void> {
    const input = this.#$<HTMLInputElement>('rename-name');
    const error = this.#$('rename-error');
    const clear = () => {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    };
    input.value = token.name;
    clear();
    let updated: TokenInfo | undefined;
    await this.#rename!.ask(this.#l10n.nodes('renameHeading', { name: token.name }), this.#t('renameText'), async () => {
      clear();
      try {
        updated = await this.#client().update(token.id, { name: input.value });
        return true;
      } catch (e) {
        if (this.#handleAccess(e)) return true;
        const problem = e instanceof ApiError ? e.problem : null;
        // A taken name (409) or a refused one (400 naming the field) marks the field, worded as the create
        // form words it (the problem's detail, or its field messages); any other failure is said there too.
        const taken = e instanceof ApiError && e.code === 'NAME_TAKEN';
        const invalid = taken || (e instanceof ApiError && e.status === 400 && !!problem?.errors?.length);
        error.textContent = taken ? this.#t('nameTaken', { name: input.value.trim() }) : invalid ? problem!.errors!.map((i) => i.message).join(' ') : this.#t('requestFailed', { detail: this.#detail(e) });
        if (invalid) input.setAttribute('aria-invalid', 'true');
        input.focus();
        return false;
      }
    });
    // Only now that the dialog is closed: the row is redrawn (the focus stays on its menu button)
    // and the announcement is made where a screen reader can read it.
    if (updated) {
      this.#model.updateToken(updated);
      this.#announce(this.#t('renamed', { name: updated.name }));
      this.#changed('updated', updated);
    }
    focusInPlace(this.#rowControl(token.id, '[aria-haspopup]'));
  }

  /** Pauses (the token is refused until resumed) or resumes it; a failure shows under its row. */
  async #setEnabled(token: TokenListItem, enabled: boolean): Promise<void> {
    this.#model.setRowError(token.id, null);
    let updated: TokenInfo;
    try {
      updated = await this.#client().update(token.id, { enabled });
    } catch (error) {
      if (!this.#handleAccess(error)) this.#showRowError(token.id, this.#t('updateFailed', { detail: this.#detail(error) }));
      return;
    }
    this.#model.updateToken(updated);
    this.#announce(this.#t(enabled ? 'resumed' : 'paused', { name: token.name }));
    this.#changed('updated', updated);
    focusInPlace(this.#rowControl(token.id, '[aria-haspopup]'));
  }

  /** The Limits dialog: like Rename, it stays open with the refused field marked until the server accepts. */
  async #askLimits(token: TokenListItem): Promise<void> {
    this.#$('limits-body').replaceChildren(limitFieldsTemplate(this.#l10n, 'edit', token));
    let updated: TokenInfo | undefined;
    await this.#limits!.ask(this.#l10n.nodes('limitsHeading', { name: token.name }), this.#t('limitsText'), async () => {
      this.#clearLimitErrors('edit');
      const limits = readLimits(this.#root, 'edit');
      if ('missing' in limits) {
        this.#showLimitErrors('edit', [{ path: 'refill', message: this.#t('refillNeedsCredits') }])?.focus();
        return false;
      }
      // Only what changed: sending the same credits again would restart the refill period.
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      const rate = limits.rateLimit && { limit: limits.rateLimit.limit, window: typeof limits.rateLimit.window === 'number' ? limits.rateLimit.window : RATE_WINDOWS[limits.rateLimit.window] };
      const body = {
        ...(same(rate, token.rateLimit) ? {} : { rateLimit: limits.rateLimit }),
        ...(limits.remaining === token.remaining ? {} : { remaining: limits.remaining }),
        ...(same(limits.refill, token.refill) ? {} : { refill: limits.refill }),
      };
      if (Object.keys(body).length === 0) return true;
      try {
        updated = await this.#client().update(token.id, body);
        return true;
      } catch (e) {
        if (this.#handleAccess(e)) return true;
        const issues = e instanceof ApiError && e.status === 400 ? (e.problem?.errors ?? []) : [];
        const first = this.#showLimitErrors('edit', issues);
        if (!first) this.#showLimitErrors('edit', [{ path: 'rateLimit', message: this.#t('updateFailed', { detail: this.#detail(e) }) }]);
        (first ?? this.#$('edit-limit')).focus();
        return false;
      }
    });
    if (updated) {
      this.#model.updateToken(updated);
      this.#announce(this.#t('limitsSaved', { name: token.name }));
      this.#changed('updated', updated);
    }
    focusInPlace(this.#rowControl(token.id, '[aria-haspopup]'));
  }

  async #askRoll(token: TokenListItem): Promise<void> {
    const grace = this.#$<HTMLSelectElement>('roll-grace');
    // A leaked secret should stop now; otherwise running jobs get a day to switch over.
    grace.value = token.leak ? 'now' : '24h';
    if (!(await this.#rollConfirm!.ask(this.#l10n.nodes('rollHeading', { name: token.name }), this.#t('rollText')))) return;
    this.#model.setRowError(token.id, null);
    let rolled;
    try {
      rolled = await this.#client().roll(token.id, { previousSecretExpiresIn: grace.value as RollGracePreset });
    } catch (error) {
      if (this.#handleAccess(error)) return;
      this.#showRowError(token.id, this.#t('rollFailed', { detail: this.#detail(error) }));
      return;
    }
    this.#changed('rolled', rolled.token);
    const plaintext = rolled.plaintext;
    const info = rolled.token;
    rolled = undefined;
    await this.#reveal!.show(plaintext, { heading: this.#l10n.nodes('rollRevealHeading', { name: token.name }), status: this.#l10n.nodes('rolled', { name: token.name }) });
    // Redrawn only now: the row's menu button must still be there for the dialogs to give focus back to.
    this.#model.updateToken(info, true);
    focusInPlace(this.#rowControl(token.id, '[aria-haspopup]'));
  }
}
