// Looking for plaintext tokens in bytes, text and logs.
import { format } from 'node:util';

/** Characters of a secret the display hint shows (`kw_` + these): by design, not a match. */
const HINT = 4;
/** Shortest run of a secret that counts as a leak: 62^10 ≈ 8·10^17, so random bytes never match by chance. */
const WINDOW = 10;

/**
 * Finds which of `tokens` appear in `haystack`: any 10 consecutive characters of their
 * 30-character secret past the 4 the display hint shows (so the whole secret in any context,
 * e.g. without the prefix or with the checksum changed, and any truncated part of it), or the
 * whole token in hex or base64.
 */
export class PlaintextScanner {
  private readonly windows = new Map<string, string>();
  private readonly encoded: Array<[needle: string, token: string]> = [];

  constructor(tokens: readonly string[], prefixLength = 2) {
    for (const token of tokens) {
      const secret = token.slice(prefixLength + 1, prefixLength + 31);
      for (let start = HINT; start + WINDOW <= secret.length; start++) this.windows.set(secret.slice(start, start + WINDOW), token);
      const bytes = Buffer.from(token, 'utf8');
      for (const needle of [bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')]) this.encoded.push([needle, token]);
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
    for (const [needle, token] of this.encoded) if (text.includes(needle)) found.add(token);
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
