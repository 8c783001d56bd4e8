// The release process of RELEASING.md: one version line for every public package (Changesets'
// fixed group), a changeset moving all of them and writing each changelog, and the release
// script's checks before it publishes anything.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { releaseProblems } from '../release.js';
import { ROOT, publishedPackages, workspaceProjects } from '../workspace.js';

const run = promisify(execFile);
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the workspace's manifests, changelogs and .changeset folder (no sources), to release in. */
function manifestsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-release-'));
  scratch.push(dir);
  const files = ['pnpm-workspace.yaml', '.changeset/config.json', ...workspaceProjects().map((p) => join(p.dir, 'package.json'))];
  for (const p of publishedPackages()) files.push(join(p.dir, 'CHANGELOG.md'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  // The changelog generator named in config.json resolves from here.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const version = (dir: string, project: string) => (JSON.parse(readFileSync(join(dir, project, 'package.json'), 'utf8')) as { version?: string }).version;

describe('one version line', () => {
  test('every public package has the same 0.x version', () => {
    const versions = new Set(publishedPackages().map((p) => p.manifest.version));
    expect([...versions]).toEqual([expect.stringMatching(/^0\.\d+\.\d+$/)]);
  });

  test('Changesets\' fixed group is exactly the public packages, and it leaves private projects alone', () => {
    const config = JSON.parse(readFileSync(join(ROOT, '.changeset/config.json'), 'utf8')) as { fixed: string[][]; access: string; privatePackages: unknown };
    expect(config.fixed.map((group) => [...group].sort())).toEqual([publishedPackages().map((p) => p.name).sort()]);
    expect(config.access).toBe('public');
    expect(config.privatePackages).toEqual({ version: false, tag: false });
  });

  test('a changeset for one package moves every public package to the next version and writes each changelog', { timeout: 60_000 }, async () => {
    const dir = manifestsCopy();
    const before = publishedPackages()[0]!.manifest.version!;
    const [major, minor, patch] = before.split('.').map(Number);
    const next = `${major}.${minor}.${patch! + 1}`;
    writeFileSync(join(dir, '.changeset/quiet-owls.md'), '---\n"@keyward/hono": patch\n---\n\nrequireToken() reads the x-api-key header case-insensitively.\n');
    await run(join(ROOT, 'node_modules/.bin/changeset'), ['version'], { cwd: dir });
    for (const { dir: project, name } of publishedPackages()) {
      expect(version(dir, project), name).toBe(next);
      expect(readFileSync(join(dir, project, 'CHANGELOG.md'), 'utf8').split('\n').filter((l) => l.startsWith('## '))[0], name).toBe(`## ${next}`);
    }
    expect(readFileSync(join(dir, 'packages/hono/CHANGELOG.md'), 'utf8')).toContain('- requireToken() reads the x-api-key header case-insensitively.');
    for (const project of workspaceProjects().filter((p) => p.manifest.private)) expect(version(dir, project.dir), project.dir).toBe(project.manifest.version);
    // Applied, the release may go.
    expect(releaseProblems(dir)).toEqual([]);
  });
});

describe('the release script stops before publishing when', () => {
  test('a changeset is not applied yet', () => {
    const dir = manifestsCopy();
    writeFileSync(join(dir, '.changeset/quiet-owls.md'), '---\n"@keyward/core": minor\n---\n\nA feature.\n');
    expect(releaseProblems(dir)).toEqual([expect.stringMatching(/^1 changeset\(s\) are not applied yet \(quiet-owls\.md\): run `npx -y pnpm@12\.4\.2 changeset version`/)]);
  });

  test('two public packages have different versions', () => {
    const dir = manifestsCopy();
    const file = join(dir, 'packages/ui/package.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"version": "[^"]+"/, '"version": "0.9.0"'));
    const problems = releaseProblems(dir);
    expect(problems[0]).toMatch(/^the public packages must share one version .*@keyward\/ui@0\.9\.0/);
    // …and its changelog has no section for that version.
    expect(problems[1]).toBe('packages/ui/CHANGELOG.md must open with a section "## 0.9.0" for @keyward/ui');
  });

  test('a changelog lacks the section of its version', () => {
    const dir = manifestsCopy();
    writeFileSync(join(dir, 'packages/core/CHANGELOG.md'), '# @keyward/core\n');
    expect(releaseProblems(dir)).toEqual([expect.stringMatching(/^packages\/core\/CHANGELOG\.md must open with a section "## 0\./)]);
  });

  test('nothing is wrong with the workspace as it is, beyond changesets waiting for the next release', () => {
    expect(releaseProblems(ROOT).filter((problem) => !problem.includes('changeset(s) are not applied yet'))).toEqual([]);
  });
});

test('the release workflow installs the lockfile, runs the release script with the identity provenance needs, and pushes the tags', () => {
  const workflow = readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8');
  expect(workflow).toMatch(/^ {2}id-token: write$/m);
  expect(workflow).toMatch(/^ {2}contents: write$/m);
  expect(workflow).toContain('run: npx -y pnpm@12.4.2 install --frozen-lockfile && npx -y pnpm@12.4.2 release\n');
  expect(workflow).toContain('run: git push origin --tags\n');
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.release).toBe('tsx scripts/release.ts');
});
