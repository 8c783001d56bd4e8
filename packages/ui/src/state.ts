// What the page knows, and the only ways it changes. No DOM here: the element renders from it.
import type { ExpirationPreview, PermissionInfo, TokenInfo, TokenListItem } from './api.js';

/** Which of the page's whole-page states is shown. */
export type Phase = 'loading' | 'ready' | 'error' | 'forbidden' | 'unauthenticated';

/** Which parts of the page a change touches, so the element redraws only those. */
export type Change = 'phase' | 'rows' | 'selection' | 'preview' | 'more' | 'permissions';

export interface TokensState {
  phase: Phase;
  /** Why the list could not be loaded (phase 'error'). */
  error: string | null;
  tokens: TokenListItem[];
  nextCursor: string | null;
  loadingMore: boolean;
  selected: Set<string>;
  preview: ExpirationPreview | null;
  /** The host's permission catalog, for the create form; empty when it declares none. */
  permissions: PermissionInfo[];
  /** Why the last action on a row failed, by token id: shown under that row until it is acted on again. */
  rowErrors: Map<string, string>;
}

/**
 * The page's state with change notifications. Selection only ever holds ids of listed tokens.
 * @example
 * const model = new TokensModel();
 * model.subscribe((changes) => redraw(changes));
 * model.setPage({ items, nextCursor: null }, false);
 */
export class TokensModel {
  readonly state: TokensState = {
    phase: 'loading',
    error: null,
    tokens: [],
    nextCursor: null,
    loadingMore: false,
    selected: new Set(),
    preview: null,
    permissions: [],
    rowErrors: new Map(),
  };
  readonly #listeners = new Set<(changes: ReadonlySet<Change>) => void>();

  subscribe(listener: (changes: ReadonlySet<Change>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(...changes: Change[]): void {
    const set = new Set(changes);
    for (const listener of this.#listeners) listener(set);
  }

  setPhase(phase: Phase, error: string | null = null): void {
    this.state.phase = phase;
    this.state.error = error;
    if (phase !== 'ready') {
      this.state.tokens = [];
      this.state.selected.clear();
      this.state.rowErrors.clear();
      this.state.nextCursor = null;
    }
    this.#emit('phase', 'rows', 'selection', 'more');
  }

  /** A page from the server: the first one replaces the list, later ones append. */
  setPage(page: { items: TokenListItem[]; nextCursor: string | null }, append: boolean): void {
    const known = append ? new Set(this.state.tokens.map((t) => t.id)) : new Set<string>();
    const fresh = page.items.filter((t) => !known.has(t.id));
    this.state.tokens = append ? [...this.state.tokens, ...fresh] : [...page.items];
    this.state.nextCursor = page.nextCursor;
    this.state.loadingMore = false;
    const ids = new Set(this.state.tokens.map((t) => t.id));
    for (const id of this.state.selected) if (!ids.has(id)) this.state.selected.delete(id);
    for (const id of this.state.rowErrors.keys()) if (!ids.has(id)) this.state.rowErrors.delete(id);
    const wasReady = this.state.phase === 'ready';
    this.state.phase = 'ready';
    this.state.error = null;
    this.#emit(...(wasReady ? [] : (['phase'] as Change[])), 'rows', 'selection', 'more');
  }

  setLoadingMore(loading: boolean): void {
    this.state.loadingMore = loading;
    this.#emit('more');
  }

  removeTokens(ids: readonly string[]): void {
    const gone = new Set(ids);
    this.state.tokens = this.state.tokens.filter((t) => !gone.has(t.id));
    for (const id of ids) {
      this.state.selected.delete(id);
      this.state.rowErrors.delete(id);
    }
    this.#emit('rows', 'selection');
  }

  /** Shows (or, with null, clears) why an action on a listed token failed. */
  setRowError(id: string, message: string | null): void {
    if ((this.state.rowErrors.get(id) ?? null) === message) return;
    if (message === null) this.state.rowErrors.delete(id);
    else if (this.state.tokens.some((t) => t.id === id)) this.state.rowErrors.set(id, message);
    this.#emit('rows');
  }

  /**
   * A renamed or rolled token: its new fields over the listed row (status and scope label stay).
   * After a roll (`rolled`), a leak follows the secret it was found in: the current one becomes the
   * previous one while it keeps working (`previousSecret`), and a previous one is gone.
   */
  updateToken(token: TokenInfo, rolled = false): void {
    // Paused or resumed: the list's status follows (an expired token stays expired).
    const status = (t: TokenListItem) => (t.status === 'expired' ? t.status : token.enabled === false ? 'paused' : 'active');
    const leak = ({ leak }: TokenListItem) => (!rolled || !leak ? leak : leak.secret === 'current' && token.previousSecret ? { ...leak, secret: 'previous' as const } : null);
    this.state.tokens = this.state.tokens.map((t) => (t.id === token.id ? { ...t, ...token, status: status(t), leak: leak(t) } : t));
    this.#emit('rows', 'selection');
  }

  toggle(id: string, selected: boolean): void {
    if (selected && this.state.tokens.some((t) => t.id === id)) this.state.selected.add(id);
    else this.state.selected.delete(id);
    this.#emit('selection');
  }

  selectAll(selected: boolean): void {
    this.state.selected.clear();
    if (selected) for (const t of this.state.tokens) this.state.selected.add(t.id);
    this.#emit('selection');
  }

  selectedTokens(): TokenListItem[] {
    return this.state.tokens.filter((t) => this.state.selected.has(t.id));
  }

  setPermissions(permissions: PermissionInfo[]): void {
    this.state.permissions = permissions;
    this.#emit('permissions');
  }

  setPreview(preview: ExpirationPreview | null): void {
    this.state.preview = preview;
    this.#emit('preview');
  }
}
