// Fetches each listed token's usage when its row comes into view (a page of 50 tokens must not
// start 50 requests at once, ahead of what the user clicks), a few at a time, and keeps the
// answers while the page is open, so a redrawn row shows them at once.
import { ApiError, type UsageReport } from './api.js';

/** A row's usage: being asked, in, or why it could not be read. */
export type UsageState = { report: UsageReport } | { error: unknown } | 'loading';

/** The days a row's chart covers. */
export const USAGE_DAYS = 30;
// Requests in flight at once: browsers allow six per host, the rest are left for the user's actions.
const CONCURRENCY = 3;

export interface UsageLoaderOptions {
  fetch(id: string): Promise<UsageReport>;
  /** A row's state changed: redraw that row's cell. */
  changed(id: string): void;
  /** The server keeps no usage (501) or predates it (404 on the route): hide the column for good. */
  unavailable(): void;
}

export class UsageLoader {
  readonly #states = new Map<string, UsageState>();
  readonly #queue: string[] = [];
  /** Days whose disclosure is open, by token id, so a redraw keeps it open. */
  readonly open = new Set<string>();
  #running = 0;
  #off = false;
  // Bumped by clear(): answers to an older round are dropped.
  #round = 0;
  readonly #observer: IntersectionObserver | null;
  readonly #options: UsageLoaderOptions;

  constructor(options: UsageLoaderOptions) {
    this.#options = options;
    // Some 200 px ahead of the viewport, so a scrolled-to row is usually drawn already.
    this.#observer =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver(
            (entries) => {
              for (const entry of entries) {
                if (!entry.isIntersecting) continue;
                this.#observer!.unobserve(entry.target);
                this.#want((entry.target as HTMLElement).dataset.usageFor!);
              }
            },
            { rootMargin: '200px' },
          );
  }

  /** Whether the server has usage to give. */
  get available(): boolean {
    return !this.#off;
  }

  state(id: string): UsageState | undefined {
    return this.#states.get(id);
  }

  /** Starts watching a row's usage cell (its `data-usage-for` names the token); stops watching the cells of the previous draw. */
  watch(cells: readonly HTMLElement[]): void {
    this.#observer?.disconnect();
    if (this.#off) return;
    for (const cell of cells) {
      if (this.#states.has(cell.dataset.usageFor!)) continue;
      if (this.#observer) this.#observer.observe(cell);
      else this.#want(cell.dataset.usageFor!);
    }
  }

  /** Forgets every answer (the list is reloaded): rows ask again when seen. */
  clear(): void {
    this.#round++;
    this.#states.clear();
    this.#queue.length = 0;
  }

  #want(id: string): void {
    if (this.#off || this.#states.has(id)) return;
    this.#states.set(id, 'loading');
    this.#queue.push(id);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < CONCURRENCY && this.#queue.length > 0) {
      const id = this.#queue.shift()!;
      const round = this.#round;
      this.#running++;
      this.#options
        .fetch(id)
        .then(
          (report) => ({ report }),
          (error: unknown) => ({ error }),
        )
        .then((state) => {
          this.#running--;
          if (round === this.#round && !this.#off) {
            const status = 'error' in state && state.error instanceof ApiError ? state.error.status : 0;
            // 501: usage is off on this server; a 404 that is not about the token is a server
            // older than usage (no such route). TOKEN_NOT_FOUND: deleted meanwhile, shown in its row.
            if (status === 501 || (status === 404 && (state as { error: ApiError }).error.code !== 'TOKEN_NOT_FOUND')) {
              this.#off = true;
              this.#queue.length = 0;
              this.#options.unavailable();
            } else {
              this.#states.set(id, state);
              this.#options.changed(id);
            }
          }
          this.#pump();
        });
    }
  }
}
