/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// <keyward-tokens>: wires the API client, the state and the templates together.
import { ApiError, EXPIRY_PRESETS, ROLL_GRACE_PRESETS, createApiClient, type ApiClient, type ExpiryPreset, type HeadersOption, type RollGracePreset, type TokenListItem } from './api.js';
import { dateFormatter, type DateFormatter } from './dates.js';
import { createConfirmDialog, createRevealDialog, type ConfirmDialog, type RevealDialog } from './dialogs.js';
import { h } from './dom.js';
import { createMenu, type Menu } from './menu.js';
import { TokensModel, type Change } from './state.js';
import { format, type StringKey, type Strings } from './strings.js';
import { STYLES } from './styles.js';
import { createFormTemplate, errorSlot, field, listTemplate, noticeTemplate, permissionCheckboxes, rowTemplate, type ProjectOption } from './templates.js';

/** Fired (bubbling, composed) after a token was created. `detail.token` never holds the secret. */
export type TokenCreatedEvent = CustomEvent<{ token: { id: string; name: string } }>;
/** Fired (bubbling, composed) after tokens were deleted. */
export type TokensDeletedEvent = CustomEvent<{ ids: string[] }>;
/** Fired (bubbling, composed) after a token was renamed (`keyward-token-updated`) or its secret rolled (`keyward-token-rolled`). Never the secret. */
export type TokenChangedEvent = CustomEvent<{ token: { id: string; name: string } }>;

// Which field's error slot a server-side validation path belongs to.
const ERROR_SLOTS: Record<string, string> = { name: 'name-error', scope: 'scope-error', expiresIn: 'expiry-error', permissions: 'permissions-error' };
const SLOT_FIELDS: Record<string, string> = { 'name-error': 'token-name', 'scope-error': 'token-scope', 'expiry-error': 'token-expiry', 'permissions-error': 'permissions-field' };
const GRACE_KEYS: Record<RollGracePreset, StringKey> = { now: 'graceNow', '1h': 'grace1h', '24h': 'grace24h', '3d': 'grace3d', '7d': 'grace7d' };

// Importing on a server (SSR) must not throw: there is no HTMLElement there, and nothing to render.
const Base: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as typeof HTMLElement) : HTMLElement;

/**
 * The whole API tokens settings page as one element, over keyward's management API.
 *
 * Attributes: `api` (where the management API is mounted, e.g. `/settings`), `projects` (JSON
 * `[{ id, name }]`, the projects a token may be scoped to), `locale`, `page-size`, `default-expiry`.
 * Properties: the same, plus `headers` (extra request headers, or a function returning them) and
 * `strings` (replacements for any of the texts).
 * @example
 * <keyward-tokens api="/settings" projects='[{"id":"proj_1","name":"Catalog"}]'></keyward-tokens>
 * <script type="module">
 *   import '@keyward/ui/define';
 *   document.querySelector('keyward-tokens').headers = () => ({ 'x-csrf-token': readCsrfCookie() });
 * </script>
 */
export class KeywardTokensElement extends Base {
  static readonly observedAttributes = ['api', 'projects', 'locale', 'page-size', 'default-expiry'];

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
  #dates: DateFormatter = dateFormatter(undefined);
  #bulkMenu: Menu | null = null;
  #openMenu: Menu | null = null;
  #reveal: RevealDialog | null = null;
  #confirm: ConfirmDialog | null = null;
  #rollConfirm: ConfirmDialog | null = null;
  #rename: ConfirmDialog | null = null;
  #unsubscribe: (() => void) | null = null;
  #previewTimer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
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
  set projects(value: ProjectOption[]) {
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

  /** BCP 47 locale for dates; default: the browser's. */
  get locale(): string | undefined {
    return this.getAttribute('locale') ?? undefined;
  }
  set locale(value: string | undefined) {
    if (value) this.setAttribute('locale', value);
    else this.removeAttribute('locale');
  }

  get pageSize(): number {
    const n = Number(this.getAttribute('page-size'));
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 50;
  }
  set pageSize(value: number) {
    this.setAttribute('page-size', String(value));
  }

  /** Reloads the list from the server. */
  refresh(): Promise<void> {
    return this.#loadFirstPage(true);
  }

  connectedCallback(): void {
    // A page may set properties before the element is defined: those landed on the plain element
    // and would hide the accessors. Take them over.
    for (const key of ['headers', 'projects', 'strings', 'api', 'locale', 'pageSize'] as const) {
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
      let parsed: unknown = [];
      try {
        parsed = value ? JSON.parse(value) : [];
      } catch {
        console.warn('<keyward-tokens>: the projects attribute must be JSON like [{"id":"proj_1","name":"Catalog"}]');
      }
      this.projects = parsed as ProjectOption[];
    } else if (name === 'api') {
      this.#generation++;
      if (this.isConnected && this.#built) void this.#loadFirstPage(false);
    } else if (name === 'locale') {
      this.#dates = dateFormatter(value ?? undefined);
      this.#rebuild();
    } else if (name === 'default-expiry') {
      this.#rebuild();
    }
  }

  // ── building and rendering

  #t(key: StringKey, params?: Record<string, string | number>): string {
    return format(this.#strings, key, params);
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
    this.#dates = dateFormatter(this.locale);
    this.#openMenu = null;
    this.#bulkMenu = createMenu(this.#t('bulkActions'), [{ text: this.#t('deleteSelected'), onSelect: () => this.#askDelete(this.#model.selectedTokens()) }], this.#onMenuOpen);
    this.#reveal = createRevealDialog(this.#strings);
    this.#confirm = createConfirmDialog(this.#strings);
    const nameInput = h('input', { id: 'rename-name', part: 'input', maxlength: 100, autocomplete: 'off', required: true, 'aria-describedby': 'rename-error' });
    this.#rename = createConfirmDialog(this.#strings, { id: 'rename', confirmKey: 'renameSave', body: field('rename-name', this.#t('nameLabel'), nameInput, errorSlot('rename-error')) });
    // The grace choice: 24 hours unless the admin picks another, so running jobs are not cut off by default.
    const grace = h('select', { id: 'roll-grace', part: 'select' }, ...ROLL_GRACE_PRESETS.map((p) => h('option', { value: p, selected: p === '24h' }, this.#t(GRACE_KEYS[p]))));
    this.#rollConfirm = createConfirmDialog(this.#strings, { id: 'roll', confirmKey: 'rollConfirm', body: field('roll-grace', this.#t('rollGraceLabel'), grace) });
    const preset = this.getAttribute('default-expiry');
    const form = createFormTemplate(this.#strings, this.#projects, EXPIRY_PRESETS.includes(preset as ExpiryPreset) ? (preset as ExpiryPreset) : '30d');
    this.#root.replaceChildren(
      h('style', {}, STYLES),
      h(
        'div',
        { part: 'root', class: 'root' },
        h('div', { id: 'notice-slot' }),
        form,
        listTemplate(this.#strings, this.#bulkMenu.root),
        h('p', { id: 'announce', class: 'sr-only', role: 'status' }),
        this.#reveal.element,
        this.#confirm.element,
        this.#rollConfirm.element,
        this.#rename.element,
      ),
    );
    this.#$('create-form').addEventListener('submit', (event) => void this.#create(event));
    this.#$('token-expiry').addEventListener('change', () => void this.#updatePreview());
    this.#$<HTMLInputElement>('select-all').addEventListener('change', (event) => this.#model.selectAll((event.target as HTMLInputElement).checked));
    this.#$('tokens-body').addEventListener('change', (event) => {
      const box = event.target as HTMLInputElement;
      if (box.dataset.id) this.#model.toggle(box.dataset.id, box.checked);
    });
    this.#$('retry').addEventListener('click', () => void this.#loadFirstPage(false));
    this.#$('load-more').addEventListener('click', () => void this.#loadMore());
    this.#render(new Set<Change>(['phase', 'rows', 'selection', 'preview', 'more', 'permissions']));
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
    const now = Date.now();
    const rows = ready
      ? state.tokens.map((token) =>
          rowTemplate(token, {
            strings: this.#strings,
            dates: this.#dates,
            now,
            selected: state.selected.has(token.id),
            menu: createMenu(
              this.#t('rowActions', { name: token.name }),
              [
                { text: this.#t('renameAction'), onSelect: () => void this.#askRename(token) },
                { text: this.#t('rollAction'), onSelect: () => void this.#askRoll(token) },
                { text: this.#t('deleteAction'), onSelect: () => void this.#askDelete([token]) },
              ],
              this.#onMenuOpen,
            ).root,
          }),
        )
      : [];
    this.#$('tokens-body').replaceChildren(...rows);
    // No column for permissions on a host without a catalog (unless older tokens carry some).
    this.#$('tokens-table').classList.toggle('no-perms', state.permissions.length === 0 && state.tokens.every((t) => t.permissions === null));
    this.#$('tokens-table').hidden = !ready || rows.length === 0;
    this.#$('empty').hidden = !ready || rows.length > 0;
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
    target.textContent = preview.expiresAt === null ? this.#t('previewNever') : this.#t('previewExpires', { date: this.#dates.dateTime(preview.expiresAt) });
  }

  #announce(text: string): void {
    this.#$('announce').textContent = text;
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
    this.#model.setLoadingMore(true);
    try {
      const page = await this.#client().list({ limit: this.pageSize, cursor: nextCursor });
      if (generation !== this.#generation) return;
      this.#model.setPage(page, true);
      // Keep keyboard users where they were: on the button if more remain, else on the list.
      if (!page.nextCursor) this.#$('tokens-heading').focus();
    } catch (error) {
      this.#model.setLoadingMore(false);
      if (!this.#handleAccess(error)) this.#$('action-error').textContent = this.#t('requestFailed', { detail: this.#detail(error) });
    }
  }

  async #updatePreview(): Promise<void> {
    const seq = ++this.#previewSeq;
    const preset = this.#$<HTMLSelectElement>('token-expiry').value as ExpiryPreset;
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
    for (const slot of ['name-error', 'scope-error', 'expiry-error', 'permissions-error', 'form-error']) this.#$(slot).textContent = '';
    for (const id of Object.values(SLOT_FIELDS)) this.#$(id).removeAttribute('aria-invalid');
  }

  #showFormError(error: unknown): void {
    const problem = error instanceof ApiError ? error.problem : null;
    const issues =
      error instanceof ApiError && error.code === 'NAME_TAKEN'
        ? [{ path: 'name', message: error.message }]
        : error instanceof ApiError && error.status === 400 && problem?.errors?.length
          ? problem.errors
          : [{ path: '', message: this.#t('requestFailed', { detail: this.#detail(error) }) }];
    let first: HTMLElement | null = null;
    for (const { path, message } of issues) {
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
    first?.focus();
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
    const button = this.#$<HTMLButtonElement>('create-button');
    this.#creating = true;
    // aria-disabled, not disabled: a disabled button drops the focus, and the dialog could not give it back.
    button.setAttribute('aria-disabled', 'true');
    button.textContent = this.#t('creating');
    let created;
    try {
      created = await this.#client().create({ name: nameInput.value, scope: projectId ? { kind: 'project', projectId } : { kind: 'organization' }, expiresIn, ...permissions });
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
    this.#announce(this.#t('created', { name: created.token.name }));
    this.dispatchEvent(new CustomEvent('keyward-token-created', { detail: { token: { id: created.token.id, name: created.token.name } }, bubbles: true, composed: true }));
    const reload = this.#loadFirstPage(true);
    const plaintext = created.plaintext;
    created = undefined;
    await this.#reveal!.show(plaintext);
    await reload;
    void this.#updatePreview();
  }

  async #askDelete(tokens: TokenListItem[]): Promise<void> {
    if (tokens.length === 0) return;
    const one = tokens.length === 1;
    const title = one ? this.#t('confirmDeleteOne', { name: tokens[0]!.name }) : this.#t('confirmDeleteMany', { count: tokens.length });
    const text = this.#t('confirmDeleteText', { what: this.#t(one ? 'confirmWhatOne' : 'confirmWhatMany') });
    if (!(await this.#confirm!.ask(title, text))) return;
    const ids = tokens.map((t) => t.id);
    const api = this.#client();
    this.#$('action-error').textContent = '';
    try {
      if (one) await api.remove(ids[0]!);
      else await api.removeMany(ids);
    } catch (error) {
      if (this.#handleAccess(error)) return;
      this.#$('action-error').textContent = this.#t('deleteFailed', { detail: this.#detail(error) });
      // Someone else may have deleted some already (404): show what is really there.
      if (error instanceof ApiError && error.status === 404) await this.#loadFirstPage(true);
      return;
    }
    this.#model.removeTokens(ids);
    this.#announce(one ? this.#t('deletedOne', { name: tokens[0]!.name }) : this.#t('deletedMany', { count: ids.length }));
    this.dispatchEvent(new CustomEvent('keyward-tokens-deleted', { detail: { ids }, bubbles: true, composed: true }));
    this.#$('tokens-heading').focus();
    if (this.#model.state.tokens.length === 0 && this.#model.state.nextCursor) await this.#loadFirstPage(true);
  }

  #changed(type: 'updated' | 'rolled', token: { id: string; name: string }): void {
    this.dispatchEvent(new CustomEvent(`keyward-token-${type}`, { detail: { token: { id: token.id, name: token.name } }, bubbles: true, composed: true }));
  }

  /** After a dialog over a row closes, the row is redrawn: put the focus back on its menu button. */
  #focusRowMenu(id: string): void {
    for (const row of this.#root.querySelectorAll<HTMLElement>('#tokens-body tr')) if (row.dataset.id === id) row.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
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
    await this.#rename!.ask(this.#t('renameHeading', { name: token.name }), this.#t('renameText'), async () => {
      clear();
      try {
        const updated = await this.#client().update(token.id, { name: input.value });
        this.#model.updateToken(updated);
        this.#announce(this.#t('renamed', { name: updated.name }));
        this.#changed('updated', updated);
        return true;
      } catch (e) {
        if (this.#handleAccess(e)) return true;
        const problem = e instanceof ApiError ? e.problem : null;
        // A taken name (409) or a refused one (400 naming the field) marks the field, worded as the create
        // form words it (the problem's detail, or its field messages); any other failure is said there too.
        const invalid = e instanceof ApiError && (e.code === 'NAME_TAKEN' || (e.status === 400 && !!problem?.errors?.length));
        error.textContent = !invalid ? this.#t('requestFailed', { detail: this.#detail(e) }) : e.code === 'NAME_TAKEN' ? e.message : problem!.errors!.map((i) => i.message).join(' ');
        if (invalid) input.setAttribute('aria-invalid', 'true');
        input.focus();
        return false;
      }
    });
    this.#focusRowMenu(token.id);
  }

  async #askRoll(token: TokenListItem): Promise<void> {
    const grace = this.#$<HTMLSelectElement>('roll-grace');
    grace.value = '24h';
    if (!(await this.#rollConfirm!.ask(this.#t('rollHeading', { name: token.name }), this.#t('rollText')))) return;
    this.#$('action-error').textContent = '';
    let rolled;
    try {
      rolled = await this.#client().roll(token.id, { previousSecretExpiresIn: grace.value as RollGracePreset });
    } catch (error) {
      if (this.#handleAccess(error)) return;
      this.#$('action-error').textContent = this.#t('rollFailed', { detail: this.#detail(error) });
      if (error instanceof ApiError && error.status === 404) await this.#loadFirstPage(true);
      return;
    }
    this.#announce(this.#t('rolled', { name: token.name }));
    this.#changed('rolled', rolled.token);
    const plaintext = rolled.plaintext;
    const info = rolled.token;
    rolled = undefined;
    await this.#reveal!.show(plaintext, this.#t('rollRevealHeading', { name: token.name }));
    // Redrawn only now: the row's menu button must still be there for the dialogs to give focus back to.
    this.#model.updateToken(info);
    this.#focusRowMenu(token.id);
  }
}
