import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  redis: string;
  /** package name → version, as installed. */
  packages: Record<string, string>;
  loadBefore: string;
}

const PACKAGES = [
  '@keyward/core',
  'better-sqlite3',
  'ioredis',
  'hono',
  '@hono/node-server',
  'express',
  'better-auth',
  '@better-auth/api-key',
  'autocannon',
];

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    // Walk up from the package's entry to its package.json (some packages do not export it).
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 6; i++) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name && manifest.version) return manifest.version;
      } catch {
        // keep walking up
      }
      dir = dirname(dir);
    }
  } catch {
    // not resolvable from here
  }
  return 'unknown';
}

export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

export async function describeMachine(redis: RedisOptions): Promise<Machine> {
  const client = new Redis({ ...redis, lazyConnect: true });
  let redisVersion = 'unreachable';
  try {
    await client.connect();
    redisVersion = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
  } catch {
    // reported as unreachable
  } finally {
    client.disconnect();
  }
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    redis: redisVersion,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, name === '@keyward/core' ? versionOfCore() : versionOf(name)])),
    loadBefore: load(),
  };
}

function versionOfCore(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../packages/core/package.json', import.meta.url), 'utf8')) as { version: string };
  return `${manifest.version} (workspace sources)`;
}
