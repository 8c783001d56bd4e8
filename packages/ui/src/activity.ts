// The Activity view: the organization's audit trail (`GET /tokens/audit`), newest first, a page
// at a time with "Load more", under the same rules as the tokens list (failures where they
// happened, focus kept in place, cards below 760 px). It hides itself for good when the server
// keeps no trail (501) or predates it (404).
import { ApiError, type ApiClient, type AuditEntry } from './api.js';
import { activityRow, ACTIVITY_COLUMNS } from './activity-entry.js';
import { h } from './dom.js';
import { focusInPlace, showMessage } from './focus.js';
import type { Localizer } from './i18n.js';

export interface ActivityHost {
  l10n: Localizer;
  client(): ApiClient;
  pageSize: number;
  /** 401 and 403 replace the whole page with a notice: true when `error` was one of those. */
  handleAccess(error: unknown): boolean;
  /** The words for a failure. */
  detail(error: unknown): string;
}

export class ActivityView {
  /** The section to put in the page. */
  readonly section: HTMLElement;
  #items: AuditEntry[] = [];
  #next: string | null = null;
  #loaded = false;
  #off = false;
  #shown = false;
  #busy = false;
  // Bumped by load(): answers to an older load are dropped.
  #seq = 0;
  readonly #host: ActivityHost;
  readonly #body: HTMLElement;
  readonly #table: HTMLElement;
  readonly #state: HTMLElement;
  readonly #error: HTMLElement;
  readonly #more: HTMLButtonElement;
  readonly #moreError: HTMLElement;

  constructor(host: ActivityHost) {
    this.#host = host;
    const t = host.l10n.text;
    this.#body = h('tbody', { id: 'activity-body', role: 'rowgroup' });
    this.#table = h(
      'table',
      { id: 'activity-table', part: 'table activity-table', class: 'data-table activity', role: 'table', hidden: true },
      h('caption', { class: 'sr-only' }, t('activityCaption')),
      h(
        'thead',
        { role: 'rowgroup' },
        h('tr', { role: 'row' }, h('th', { scope: 'col', role: 'columnheader' }, t('columnWhen')), ...ACTIVITY_COLUMNS.map(([, key]) => h('th', { scope: 'col', role: 'columnheader' }, t(key)))),
      ),
      this.#body,
    );
    this.#state = h('p', { id: 'activity-state', class: 'state', part: 'loading', role: 'status' });
    this.#error = h('p', { id: 'activity-error', class: 'error', part: 'error', role: 'alert' });
    this.#more = h('button', { type: 'button', id: 'activity-more', class: 'secondary', part: 'button secondary-button', hidden: true }, t('activityMore'));
    this.#moreError = h('p', { id: 'activity-more-error', class: 'error', part: 'error', role: 'alert' });
    this.#more.addEventListener('click', () => void this.#loadMore());
    this.section = h(
      'section',
      { id: 'activity-section', part: 'activity', class: 'card', hidden: true },
      h('h2', { id: 'activity-heading', tabindex: '-1' }, t('activityHeading')),
      h('p', { class: 'hint' }, t('activityIntro')),
      this.#state,
      this.#error,
      this.#table,
      this.#more,
      this.#moreError,
    );
  }

  /** Shown while the tokens list is (and the server keeps a trail). */
  show(shown: boolean): void {
    this.#shown = shown;
    this.section.hidden = !shown || this.#off;
  }

  /** Loads the first page anew. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.#state.textContent = this.#host.l10n.text('activityLoading');
    this.#state.hidden = false;
    this.#error.textContent = '';
    this.section.setAttribute('aria-busy', 'true');
    try {
      const page = await this.#host.client().audit({ limit: this.#host.pageSize });
      if (seq !== this.#seq) return;
      this.#items = page.items;
      this.#next = page.nextCursor;
      this.#loaded = true;
      this.#render();
    } catch (error) {
      if (seq !== this.#seq) return;
      this.#state.hidden = true;
      if (!this.#unavailable(error) && !this.#host.handleAccess(error)) this.#error.textContent = this.#host.l10n.text('activityFailed', { detail: this.#host.detail(error) });
    } finally {
      if (seq === this.#seq) this.section.removeAttribute('aria-busy');
    }
  }

  /**
   * After an action on this page: puts the entries newer than the shown ones on top, keeping the
   * pages already loaded (or starts over when everything shown is older than a whole page).
   */
  async refresh(): Promise<void> {
    if (!this.#loaded || this.#off) return;
    const seq = this.#seq;
    try {
      const page = await this.#host.client().audit({ limit: this.#host.pageSize });
      if (seq !== this.#seq) return;
      const known = new Set(this.#items.map((e) => e.id));
      const fresh = page.items.filter((e) => !known.has(e.id));
      if (fresh.length === page.items.length) {
        this.#items = page.items;
        this.#next = page.nextCursor;
      } else {
        this.#items = [...fresh, ...this.#items];
      }
      this.#render();
    } catch {
      // The trail catches up at the next action or reload; the action itself succeeded.
    }
  }

  async #loadMore(): Promise<void> {
    if (!this.#next || this.#busy) return;
    const seq = this.#seq;
    const firstNew = this.#items.length;
    this.#busy = true;
    // aria-disabled, not disabled: the button keeps the focus while the page loads.
    this.#more.setAttribute('aria-disabled', 'true');
    this.#more.setAttribute('aria-busy', 'true');
    showMessage(this.#moreError, '');
    try {
      const page = await this.#host.client().audit({ limit: this.#host.pageSize, cursor: this.#next });
      if (seq !== this.#seq) return;
      const known = new Set(this.#items.map((e) => e.id));
      this.#items = [...this.#items, ...page.items.filter((e) => !known.has(e.id))];
      this.#next = page.nextCursor;
      this.#render();
      // Nothing more: the focus goes to the first entry just loaded, where the button was.
      if (!this.#next) focusInPlace(this.#body.querySelectorAll<HTMLElement>('tr[data-entry] > th')[firstNew]);
    } catch (error) {
      if (!this.#host.handleAccess(error)) showMessage(this.#moreError, this.#host.l10n.text('activityMoreFailed', { detail: this.#host.detail(error) }));
    } finally {
      this.#busy = false;
      this.#more.removeAttribute('aria-disabled');
      this.#more.setAttribute('aria-busy', 'false');
    }
  }

  #unavailable(error: unknown): boolean {
    if (!(error instanceof ApiError) || !(error.status === 501 || error.status === 404)) return false;
    this.#off = true;
    this.show(this.#shown);
    return true;
  }

  #render(): void {
    const now = Date.now();
    this.#body.replaceChildren(...this.#items.map((entry) => activityRow(entry, this.#host.l10n, now)));
    this.#table.hidden = this.#items.length === 0;
    this.#state.hidden = this.#items.length > 0;
    this.#state.textContent = this.#items.length > 0 ? '' : this.#host.l10n.text('activityEmpty');
    this.#more.hidden = !this.#next;
  }
}
