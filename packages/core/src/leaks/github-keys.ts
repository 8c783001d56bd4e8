import { ConfigurationError, KeywardError } from '../errors.js';
import { importP256PublicKey, type PublicKey } from './signature.js';

/** Where GitHub publishes the keys that sign secret scanning reports. */
export const GITHUB_SECRET_SCANNING_KEYS_URL = 'https://api.github.com/meta/public_keys/secret_scanning';

/**
 * The published keys could not be fetched or read: the report is answered 503 and GitHub retries it.
 * @example throw new KeysUnavailableError('GitHub answered 502 for its secret scanning keys');
 */
export class KeysUnavailableError extends KeywardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KEYS_UNAVAILABLE', message, options);
    this.name = 'KeysUnavailableError';
  }
}

/** Fetches the JSON document of `GITHUB_SECRET_SCANNING_KEYS_URL`: `{ public_keys: [{ key_identifier, key, is_current }] }`. */
export type PublicKeysFetcher = () => Promise<unknown>;

export interface GitHubKeyringOptions {
  /** Default: `fetch()` of `GITHUB_SECRET_SCANNING_KEYS_URL`. Tests pass keys they generated. */
  fetchKeys?: PublicKeysFetcher | undefined;
  /** How long fetched keys are used before they are fetched again, ms. Default 1 hour. */
  ttlMs?: number | undefined;
  /**
   * Least time between two fetches caused by an unknown key id, ms. Default 60 000: anyone can
   * send a request naming a made-up key, and must not be able to make the server fetch on each.
   */
  minRefetchMs?: number | undefined;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

async function fetchFromGitHub(): Promise<unknown> {
  const response = await fetch(GITHUB_SECRET_SCANNING_KEYS_URL, { headers: { accept: 'application/json', 'user-agent': 'keyward-secret-scanning' } });
  if (!response.ok) throw new Error(`GET ${GITHUB_SECRET_SCANNING_KEYS_URL} answered ${response.status}`);
  return response.json();
}

function checkedDuration(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < 0) throw new ConfigurationError(`githubKeyring(options): ${name} must be a non-negative integer (ms), got ${String(value)}`);
  return chosen;
}

/** The entries of a keys document, by key id; keys that do not import as P-256 are left out. */
async function importKeys(document: unknown): Promise<Map<string, PublicKey>> {
  const list = (document as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(list)) throw new KeysUnavailableError('the public keys document has no public_keys list');
  const keys = new Map<string, PublicKey>();
  for (const entry of list) {
    const { key_identifier: id, key } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== 'string' || typeof key !== 'string') continue;
    try {
      keys.set(id, await importP256PublicKey(key));
    } catch {
      // One unreadable key must not take the others down; a report signed by it fails as unknown.
    }
  }
  return keys;
}

/**
 * GitHub's secret scanning public keys: fetched on first use, kept for `ttlMs`, fetched again at
 * once when a report names a key id not in the cache (at most once per `minRefetchMs`), one fetch
 * at a time. Every listed key verifies, `is_current` or not: GitHub may still send reports signed
 * with the previous key while it rotates.
 * @example
 * const keys = new GitHubKeyring();
 * const key = await keys.key(request.headers.get('github-public-key-identifier')!); // a WebCrypto key, or null
 */
export class GitHubKeyring {
  private readonly fetchKeys: PublicKeysFetcher;
  private readonly ttlMs: number;
  private readonly minRefetchMs: number;
  private readonly now: () => number;
  private keys: Map<string, PublicKey> | undefined;
  private fetchedAt = -Infinity;
  private inFlight: Promise<Map<string, PublicKey>> | undefined;

  constructor(options: GitHubKeyringOptions = {}) {
    if (options.fetchKeys !== undefined && typeof options.fetchKeys !== 'function') throw new ConfigurationError('githubKeyring(options): fetchKeys must be a function');
    this.fetchKeys = options.fetchKeys ?? fetchFromGitHub;
    this.ttlMs = checkedDuration('ttlMs', options.ttlMs, 3_600_000);
    this.minRefetchMs = checkedDuration('minRefetchMs', options.minRefetchMs, 60_000);
    this.now = options.now ?? Date.now;
  }

  /**
   * The key with this id, or null when GitHub does not list it (even after a fresh fetch).
   * @throws KeysUnavailableError when the keys cannot be fetched and none fresh are cached
   */
  async key(id: string): Promise<PublicKey | null> {
    const age = this.now() - this.fetchedAt;
    let keys = this.keys !== undefined && age < this.ttlMs ? this.keys : await this.refresh();
    const found = keys.get(id);
    if (found !== undefined || this.now() - this.fetchedAt < this.minRefetchMs) return found ?? null;
    // A key id we have not seen: GitHub may have rotated since the last fetch.
    keys = await this.refresh();
    return keys.get(id) ?? null;
  }

  private refresh(): Promise<Map<string, PublicKey>> {
    this.inFlight ??= (async () => {
      try {
        const keys = await importKeys(await this.fetchKeys());
        this.keys = keys;
        this.fetchedAt = this.now();
        return keys;
      } catch (error) {
        throw error instanceof KeysUnavailableError ? error : new KeysUnavailableError('could not fetch GitHub secret scanning public keys', { cause: error });
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
