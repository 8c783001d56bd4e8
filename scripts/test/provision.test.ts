// The test command provisions what the tests need, or stops at once with one line naming what to install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ProvisionError, answers, ensureChromium, ensurePostgres, ensureRedis } from '../provision.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// A PATH with nothing on it: as on a machine where nothing is installed.
const emptyPath = mkdtempSync(join(tmpdir(), 'keyward-provision-'));
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));

describe('provision', () => {
  test('Redis not running and not installed → one line naming what to install, at once', async () => {
    const port = await freePort();
    const error = await ensureRedis({ port, path: emptyPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as Error).message).toBe(
      `Redis is not answering on 127.0.0.1:${port} and redis-server is not installed: install Redis 7 (Debian: apt-get install redis-server) or start one there.`,
    );
  });

  test('Redis installed but not running → started, and answers PING', async () => {
    const port = await freePort();
    expect(await ensureRedis({ port })).toBe('started');
    try {
      expect(await answers(port, 'PING\r\n', '+PONG')).toBe(true);
      expect(await ensureRedis({ port })).toBe('running');
    } finally {
      // Our own server on our own port: shut it down.
      execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave']);
    }
  });

  test('PostgreSQL not running and not installed → one line naming what to install', async () => {
    const port = await freePort();
    await expect(ensurePostgres({ port, path: emptyPath })).rejects.toThrow(/^PostgreSQL is not answering on 127\.0\.0\.1:\d+ and is not installed: install PostgreSQL 15/);
  });

  test('Chromium missing and not root (or no apt) → one line naming what to install; never a download', () => {
    const executable = join(emptyPath, 'chromium');
    expect(() => ensureChromium({ executable, isRoot: false })).toThrow(`Chromium is missing at ${executable}: install it (Debian: sudo apt-get install chromium)`);
    expect(() => ensureChromium({ executable, path: emptyPath, isRoot: true })).toThrow(ProvisionError);
  });

  test('Chromium present → nothing to do', () => {
    expect(ensureChromium({ executable: process.execPath })).toBe('present');
  });
});
