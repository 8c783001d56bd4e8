// Looking for plaintext tokens in bytes, text and logs.
import { format } from 'node:util';

/**
 * Finds which of `tokens` appear in `haystack`: their 30-character secret as it is (any context,
 * e.g. without the prefix, or with the checksum changed), or the whole token in hex or base64.
 * The 4-character display hint is, by design, not a match.
 */
export class PlaintextScanner {
  private readonly secrets = new Map<string, string>();
  private readonly encoded: Array<[needle: string, token: string]> = [];

  constructor(tokens: readonly string[], prefixLength = 2) {
    for (const token of tokens) {
      this.secrets.set(token.slice(prefixLength + 1, prefixLength + 31), token);
      const bytes = Buffer.from(token, 'utf8');
      for (const needle of [bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')]) this.encoded.push([needle, token]);
    }
  }

  /** The tokens found in `haystack` (text, or bytes read as Latin-1 so every byte is one character). */
  find(haystack: string | Buffer): Set<string> {
    const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
    const found = new Set<string>();
    for (const match of text.matchAll(/[0-9A-Za-z]{30,}/g)) {
      const run = match[0];
      for (let i = 0; i + 30 <= run.length; i++) {
        const token = this.secrets.get(run.slice(i, i + 30));
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
