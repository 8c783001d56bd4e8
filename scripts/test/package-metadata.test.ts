// What the registry page and `npm i` show about each published package.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { peerRanges } from '../tarball/peers.js';
import { publishedPackages } from '../workspace.js';

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
  version: string;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  exports: Record<string, string | { types?: string; import?: { types?: string } }>;
}

/** The declaration file an `import` of each subpath gets (`./http` → `./dist/http/index.d.ts`). */
function subpathTypes(manifest: Manifest): Record<string, string> {
  const entries = Object.entries(manifest.exports).filter(([path]) => path !== '.' && path !== './package.json');
  return Object.fromEntries(
    entries.flatMap(([path, target]) => {
      const types = typeof target === 'string' ? undefined : (target.import?.types ?? target.types);
      return types ? [[path.slice(2), types]] : [];
    }),
  );
}

const published = publishedPackages().map(({ dir, manifest }) => ({ dir, manifest: manifest as unknown as Manifest }));

test('the MIT license is at the root', () => {
  expect(read('LICENSE')).toMatch(/^MIT License\n/);
});

describe.each(published)('$manifest.name', ({ dir, manifest }) => {
  test('ships the MIT LICENSE file, identical to the root one', () => {
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toContain('LICENSE');
    expect(read(`${dir}/LICENSE`)).toBe(read('LICENSE'));
  });

  test('names its repository, homepage and issue tracker, and publishes publicly', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: dir });
    expect(manifest.homepage).toBe(`${REPO}/tree/main/${dir}#readme`);
    expect(manifest.bugs).toEqual({ url: `${REPO}/issues` });
    expect(manifest.publishConfig?.access).toBe('public');
  });

  test('ships a CHANGELOG.md whose newest section is its version', () => {
    expect(manifest.files).toContain('CHANGELOG.md');
    const changelog = read(`${dir}/CHANGELOG.md`);
    expect(changelog.split('\n')[0]).toBe(`# ${manifest.name}`);
    expect(/^## (\S+)$/m.exec(changelog)?.[1]).toBe(manifest.version);
  });

  test('typesVersions gives every subpath to TypeScript\'s node10 resolution (ts-jest), in the same declaration files as `types`', () => {
    // node10 ignores `exports`: without this, `@keyward/core/testing` does not resolve there. The
    // .d.ts flavour, like `types`: mixing in .d.cts would make two unrelated copies of each class.
    const subpaths = subpathTypes(manifest);
    if (Object.keys(subpaths).length === 0) return expect(manifest.typesVersions).toBeUndefined();
    expect(manifest.typesVersions).toEqual({ '*': Object.fromEntries(Object.entries(subpaths).map(([path, types]) => [path, [types]])) });
    expect(manifest.types).toMatch(/\.d\.ts$/);
  });

  test('every @types/* peer is optional', () => {
    for (const peer of Object.keys(manifest.peerDependencies ?? {}).filter((name) => name.startsWith('@types/'))) {
      expect(manifest.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
    }
  });

  test('README links work on the registry page: absolute, or anchors within the page', () => {
    const links = [...read(`${dir}/README.md`).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((link) => !/^(https:\/\/|#)/.test(link))).toEqual([]);
  });
});

test('@types/express is an optional peer of @keyward/express, as @types/better-sqlite3 is of @keyward/sqlite', () => {
  const express = published.find((p) => p.dir === 'packages/express')!.manifest;
  expect(express.peerDependencies?.['@types/express']).toBeDefined();
});

test('better-sqlite3 is an optional peer of @keyward/sqlite (Bun, Deno and Node 22+ use their built-in SQLite), still tested at its range\'s ends', () => {
  const sqlite = published.find((p) => p.dir === 'packages/sqlite')!.manifest;
  expect(sqlite.peerDependencies?.['better-sqlite3']).toBeDefined();
  expect(sqlite.peerDependenciesMeta?.['better-sqlite3']?.optional).toBe(true);
  expect(peerRanges()['better-sqlite3']).toBe(sqlite.peerDependencies?.['better-sqlite3']);
});
