// What the registry page and `npm i` show about each published package.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const REPO = 'https://github.com/keyward/keyward';

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  files?: string[];
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  publishConfig?: { access?: string };
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const published = readdirSync(new URL('packages/', root))
  .filter((dir) => existsSync(new URL(`packages/${dir}/package.json`, root)))
  .map((dir) => ({ dir, manifest: JSON.parse(read(`packages/${dir}/package.json`)) as Manifest }))
  .filter(({ manifest }) => !manifest.private);

test('the MIT license is at the root', () => {
  expect(read('LICENSE')).toMatch(/^MIT License\n/);
});

describe.each(published)('$manifest.name', ({ dir, manifest }) => {
  test('ships the MIT LICENSE file, identical to the root one', () => {
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toContain('LICENSE');
    expect(read(`packages/${dir}/LICENSE`)).toBe(read('LICENSE'));
  });

  test('names its repository, homepage and issue tracker, and publishes publicly', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` });
    expect(manifest.homepage).toBe(`${REPO}/tree/main/packages/${dir}#readme`);
    expect(manifest.bugs).toEqual({ url: `${REPO}/issues` });
    expect(manifest.publishConfig?.access).toBe('public');
  });

  test('every @types/* peer is optional', () => {
    for (const peer of Object.keys(manifest.peerDependencies ?? {}).filter((name) => name.startsWith('@types/'))) {
      expect(manifest.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
    }
  });

  test('README links work on the registry page: absolute, or anchors within the page', () => {
    const links = [...read(`packages/${dir}/README.md`).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((link) => !/^(https:\/\/|#)/.test(link))).toEqual([]);
  });
});

test('@types/express is an optional peer of @keyward/express, as @types/better-sqlite3 is of @keyward/sqlite', () => {
  const express = published.find((p) => p.dir === 'express')!.manifest;
  expect(express.peerDependencies?.['@types/express']).toBeDefined();
});
