// Looking for plaintext tokens in bytes, text and logs.
import { format } from 'node:util';

/** Characters of a secret the display hint shows (`kw_` + these): by design, not a match. */
const HINT = 4;
/** Shortest run of a secret that counts as a leak: 62^10 ≈ 8·10^17, so random bytes never match by chance. */
const WINDOW = 10;
/**
 * Runs of the characters hex, base64 and base64url use: a token's encoded form, made of them
 * only, lies whole inside one run. Each is indexed by its first 16 characters (it is 52 or more).
 */
const ENCODED_RUN = /[0-9A-Za-z+/_-]{16,}/g;
const ENCODED_KEY = 16;

/**
 * Finds which of `tokens` appear in `haystack`: any 10 consecutive characters of their
 * 30-character secret past the 4 the display hint shows (so the whole secret in any context,
 * e.g. without the prefix or with the checksum changed, and any truncated part of it), or the
 * whole token in hex or base64.
 */
export class PlaintextScanner {
  private readonly windows = new Map<string, string>();
  /** The hex and base64 forms of each token, by their first ENCODED_KEY characters. */
  private readonly encoded = new Map<string, Array<[needle: string, token: string]>>();

  constructor(tokens: readonly string[], prefixLength = 2) {
    for (const token of tokens) {
      const secret = token.slice(prefixLength + 1, prefixLength + 31);
      for (let start = HINT; start + WINDOW <= secret.length; start++) this.windows.set(secret.slice(start, start + WINDOW), token);
      const bytes = Buffer.from(token, 'utf8');
      for (const needle of [bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')]) {
        const key = needle.slice(0, ENCODED_KEY);
        this.encoded.set(key, [...(this.encoded.get(key) ?? []), [needle, token]]);
      }
    }
  }

  /** The tokens found in `haystack` (text, or bytes read as Latin-1 so every byte is one character). */
  find(haystack: string | Buffer): Set<string> {
    const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
    const found = new Set<string>();
    for (const match of text.matchAll(/[0-9A-Za-z]{10,}/g)) {
      const run = match[0];
      for (let i = 0; i + WINDOW <= run.length; i++) {
        const token = this.windows.get(run.slice(i, i + WINDOW));
        if (token) found.add(token);
      }
    }
    // Not `text.includes(needle)` for each of the 3 needles of each token: that is a pass over the
    // text per needle (10 000 log-sized items against 1100 tokens: 3.3 s of CPU, against 0.16 s
    // here). Each position of each run of hex or base64 characters is looked up once by its first
    // characters, then compared whole: the same matches.
    for (const match of text.matchAll(ENCODED_RUN)) {
      const run = match[0];
      for (let i = 0; i + ENCODED_KEY <= run.length; i++) {
        for (const [needle, token] of this.encoded.get(run.slice(i, i + ENCODED_KEY)) ?? []) {
          if (run.startsWith(needle, i)) found.add(token);
        }
      }
    }
    return found;
  }
}

/** Captures everything written through console.* until `restore()`; nothing reaches the terminal. */
export function captureConsole(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((m) => console[m]);
  for (const method of methods) {
    // format() renders errors with their stack and cause, as the terminal would show them.
    console[method] = (...args: unknown[]) => {
      lines.push(`${method}: ${format(...args)}`);
    };
  }
  return {
    lines,
    restore() {
      methods.forEach((m, i) => {
        console[m] = originals[i]!;
      });
    },
  };
}
