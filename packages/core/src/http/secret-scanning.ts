import { ConfigurationError, KeywardError } from '../errors.js';
import type { Keyward } from '../keyward.js';
import type { LeakHandling, LeakReport } from '../leaks/check-leaks.js';
import { GitHubKeyring, KeysUnavailableError, type GitHubKeyringOptions } from '../leaks/github-keys.js';
import { memoryReplayGuard, type ReplayGuard } from '../leaks/replay.js';
import { decodeBase64, derToP1363, sha256Hex, verifyP256 } from '../leaks/signature.js';
import { RETRY_AFTER_SECONDS } from './failures.js';
import type { SecretScanningProblemCode } from './problem-codes.js';
import { JSON_CONTENT_TYPE, NO_STORE_HEADERS, frozenResponse, problemResponse, type HttpResponse } from './response.js';

/** Largest report body read by default: 1 000 matches with long URLs take about 400 KB. */
export const MAX_LEAK_REPORT_BYTES = 1024 * 1024;
/** How long a report is remembered to refuse its replay, by default: 10 minutes. */
export const DEFAULT_REPLAY_WINDOW_MS = 600_000;
/** The request headers GitHub signs a report with (lowercase, as fetch and Node give them). */
export const GITHUB_KEY_ID_HEADER = 'github-public-key-identifier';
export const GITHUB_SIGNATURE_HEADER = 'github-public-key-signature';

/** Options of the secret scanning endpoint on every adapter. */
export interface SecretScanningOptions extends LeakHandling, GitHubKeyringOptions {
  /** The token service, from `createKeyward()`. */
  keyward: Keyward;
  /** Largest body read, bytes. Default `MAX_LEAK_REPORT_BYTES` (1 MiB). */
  maxBodyBytes?: number | undefined;
  /** How long a report is remembered so that a replay of it is refused, ms. Default 10 minutes. */
  replayWindowMs?: number | undefined;
  /** Where reports are remembered. Default: this process's memory (see `memoryReplayGuard` for its limits). */
  replayGuard?: ReplayGuard | undefined;
  /** Told about failures the caller only sees as 503/500. Default: console.error. */
  onError?: ((error: unknown) => void) | undefined;
}

/** What the framework glue reads from a report request. */
export interface SecretScanningRequest {
  keyId: string | null | undefined;
  signature: string | null | undefined;
  /** The raw body, byte for byte as sent: the signature covers these bytes. */
  body: Uint8Array;
}

export interface SecretScanningEndpoint {
  /** Glue stops reading past this many bytes and answers `tooLarge`. */
  readonly maxBodyBytes: number;
  readonly tooLarge: HttpResponse;
  /** Checks the signature, then labels (and revokes or flags) the reported tokens. Never rejects. */
  handle(request: SecretScanningRequest): Promise<HttpResponse>;
}

const problem = (status: 400 | 401 | 409 | 500 | 503, code: SecretScanningProblemCode, detail: string, headers?: Record<string, string>) =>
  frozenResponse(problemResponse(status, code, detail, undefined, { ...NO_STORE_HEADERS, ...headers }));

const ANSWERS = Object.freeze({
  unsigned: problem(401, 'SIGNATURE_MISSING', 'Send the GitHub-Public-Key-Identifier and GitHub-Public-Key-Signature headers.'),
  malformed: problem(400, 'SIGNATURE_MALFORMED', 'GitHub-Public-Key-Signature is not a base64 DER ECDSA P-256 signature.'),
  invalid: problem(401, 'SIGNATURE_INVALID', 'The signature does not verify with a key GitHub publishes for secret scanning.'),
  replayed: problem(409, 'REPORT_REPLAYED', 'This report was already received.'),
  badReport: problem(400, 'INVALID_REPORT', 'The body must be a JSON array of { token, type, url, source? } strings.'),
  unavailable: problem(503, 'SERVICE_UNAVAILABLE', 'The report cannot be checked now; send it again later.', { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  failed: problem(500, 'INTERNAL_ERROR', 'The report could not be checked.'),
});

function parseReports(body: Uint8Array): LeakReport[] | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  for (const item of value) {
    const { token, type, url, source } = (item ?? {}) as Record<string, unknown>;
    if (typeof item !== 'object' || typeof token !== 'string' || typeof type !== 'string' || typeof url !== 'string') return null;
    if (source !== undefined && typeof source !== 'string') return null;
  }
  return value as LeakReport[];
}

function positiveInteger(caller: string, name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < 1) throw new ConfigurationError(`${caller}(options): ${name} must be a positive integer, got ${String(value)}`);
  return chosen;
}

function defaultOnError(error: unknown): void {
  console.error('[keyward] secret scanning report failed:', error);
}

/**
 * The endpoint GitHub's secret scanning partner program posts leaked tokens to
 * (https://docs.github.com/en/code-security/secret-scanning/secret-scanning-partner-program),
 * framework-free: each adapter reads the two headers and the raw body and writes the answer.
 * In order: both headers present (else 401), the signature well-formed (else 400) and made by a key
 * GitHub publishes over exactly these bytes (else 401; keys fetched, cached, refetched on an
 * unknown id; 503 when they cannot be fetched), the body a report array (else 400), not a replay
 * of one taken within `replayWindowMs` (else 409); then each token is labelled and, when real,
 * revoked or flagged (`mode`), and the answer is GitHub's feedback format:
 * `[{ token_hash, token_type, label }]`, the hash being the lowercase hex SHA-256 of the reported
 * string, so the answer never echoes a secret.
 * @example
 * const endpoint = createSecretScanningEndpoint({ keyward, mode: 'revoke', onLeak: (leak) => mailOwners(leak) });
 * const answer = await endpoint.handle({ keyId, signature, body });
 */
export function createSecretScanningEndpoint(options: SecretScanningOptions, caller = 'secretScanning'): SecretScanningEndpoint {
  if (!options || typeof options !== 'object') throw new ConfigurationError(`${caller}(options): options must be an object`);
  const { keyward, mode, onLeak, concurrency, onError = defaultOnError } = options;
  if (!keyward || typeof keyward.reportLeaks !== 'function') throw new ConfigurationError(`${caller}(options): keyward must be the service returned by createKeyward()`);
  if (typeof onError !== 'function') throw new ConfigurationError(`${caller}(options): onError must be a function`);
  if (mode !== 'revoke' && mode !== 'flag') throw new ConfigurationError(`${caller}(options): mode must be 'revoke' or 'flag', got ${JSON.stringify(mode)}`);
  const maxBodyBytes = positiveInteger(caller, 'maxBodyBytes', options.maxBodyBytes, MAX_LEAK_REPORT_BYTES);
  const replayWindowMs = positiveInteger(caller, 'replayWindowMs', options.replayWindowMs, DEFAULT_REPLAY_WINDOW_MS);
  const keyring = new GitHubKeyring(options);
  const replays = options.replayGuard ?? memoryReplayGuard({ now: options.now });
  const handling: LeakHandling = { mode, onLeak, concurrency };
  const tooLarge = frozenResponse(problemResponse(413, 'PAYLOAD_TOO_LARGE', `The report is larger than ${maxBodyBytes} bytes.`, undefined, NO_STORE_HEADERS));

  async function verified(request: SecretScanningRequest): Promise<HttpResponse | null> {
    const signature = decodeBase64(request.signature!.trim());
    const raw = signature && derToP1363(signature);
    if (!raw) return ANSWERS.malformed;
    const key = await keyring.key(request.keyId!.trim());
    return key !== null && (await verifyP256(key, raw, request.body)) ? null : ANSWERS.invalid;
  }

  return Object.freeze({
    maxBodyBytes,
    tooLarge,
    async handle(request: SecretScanningRequest): Promise<HttpResponse> {
      if (!request.keyId?.trim() || !request.signature?.trim()) return ANSWERS.unsigned;
      if (request.body.byteLength > maxBodyBytes) return tooLarge;
      let claimed: string | undefined;
      try {
        const refusal = await verified(request);
        if (refusal) return refusal;
        const reports = parseReports(request.body);
        if (reports === null) return ANSWERS.badReport;
        // Keyed by the body, not the signature: ECDSA signatures are malleable ((r, s) and (r, n − s)
        // both verify), so a replay could carry a different signature over the same bytes.
        const digest = await sha256Hex(request.body);
        if (!(await replays.claim(digest, replayWindowMs))) return ANSWERS.replayed;
        claimed = digest;
        const labels = await keyward.reportLeaks(reports, handling);
        const hashes = await Promise.all(reports.map((report) => sha256Hex(report.token)));
        const body = reports.map((report, i) => ({ token_hash: hashes[i]!, token_type: report.type, label: labels[i]! }));
        return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE, ...NO_STORE_HEADERS }, body };
      } catch (error) {
        // Not taken: GitHub's retry of the same report must not be refused as a replay.
        if (claimed !== undefined) await Promise.resolve(replays.release(claimed)).catch(onError);
        onError(error);
        const retry = error instanceof KeysUnavailableError || (error instanceof KeywardError && error.code === 'STORE_UNAVAILABLE');
        return retry ? ANSWERS.unavailable : ANSWERS.failed;
      }
    },
  });
}
