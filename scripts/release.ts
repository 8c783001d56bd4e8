// The release a maintainer runs, as RELEASING.md says: `npx -y pnpm@12.4.2 release` in the release
// workflow (npm provenance needs CI's identity), or `… release --dry-run` anywhere to rehearse it.
// It releases a commit whose CI passed (the whole test command, with Redis, PostgreSQL and
// Chromium), and repeats here only the checks that need no service:
//   1. the versions are ready: one version for every public package, no changeset left to apply,
//      a changelog section for that version in each package;
//   2. install exactly the lockfile, typecheck, build, publint, and the release's own tests (every
//      public package uploaded to a stand-in registry and checked, every private one refused);
//   3. every public package whose version is not on the registry yet is published, with provenance;
//   4. the release is tagged (`changeset tag`), for `git push --follow-tags`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, publishedPackages } from './workspace.js';

/**
 * The publish command, less what only a real release adds (`--provenance`) or only the publish test
 * adds (a stand-in registry): pnpm skips private projects and versions already on the registry,
 * and rewrites `workspace:` ranges.
 *
 * @example
 * spawnSync('npx', ['-y', 'pnpm@12.4.2', ...PUBLISH_ARGS, '--provenance']);
 */
export const PUBLISH_ARGS = ['publish', '--recursive', '--access', 'public'] as const;

/** Tests that need no service: what the registry gets, and the release process itself. */
export const RELEASE_TESTS = ['scripts/test/publish.test.ts', 'scripts/test/release.test.ts', 'scripts/test/package-metadata.test.ts'] as const;

/**
 * What stops a release of the workspace at `root`, one sentence each; empty when it may go.
 *
 * @example
 * releaseProblems(); // [] or ['2 changesets are not applied yet: run `npx -y pnpm@12.4.2 changeset version` …']
 */
export function releaseProblems(root: string = ROOT): string[] {
  const problems: string[] = [];
  const packages = publishedPackages(root);
  const versions = new Set(packages.map((p) => p.manifest.version));
  if (versions.size !== 1) {
    problems.push(`the public packages must share one version (Changesets' fixed group), but they have ${packages.map((p) => `${p.name}@${p.manifest.version}`).join(', ')}`);
  }
  const pending = existsSync(join(root, '.changeset')) ? readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md') : [];
  if (pending.length > 0) {
    problems.push(`${pending.length} changeset(s) are not applied yet (${pending.join(', ')}): run \`npx -y pnpm@12.4.2 changeset version\`, review and commit`);
  }
  for (const { dir, name, manifest } of packages) {
    const changelog = join(root, dir, 'CHANGELOG.md');
    const sections = existsSync(changelog) ? readFileSync(changelog, 'utf8').split('\n').filter((line) => line.startsWith('## ')) : [];
    if (sections[0] !== `## ${manifest.version}`) problems.push(`${dir}/CHANGELOG.md must open with a section "## ${manifest.version}" for ${name}`);
  }
  return problems;
}

function step(title: string, args: string[]): void {
  console.log(`\n▶ ${title}: npx ${args.join(' ')}`);
  const result = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}); nothing after it ran.`);
    process.exit(1);
  }
}

function main(dryRun: boolean): void {
  const problems = releaseProblems();
  if (problems.length > 0) {
    console.error(`Not ready to release:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    process.exit(1);
  }
  const pnpm = ['-y', 'pnpm@12.4.2'];
  step('install exactly the lockfile', [...pnpm, 'install', '--frozen-lockfile']);
  step('typecheck', [...pnpm, 'typecheck']);
  step('build', [...pnpm, 'build']);
  step('publint', [...pnpm, 'lint']);
  step('the release\'s own tests', [...pnpm, 'exec', 'vitest', 'run', ...RELEASE_TESTS]);
  if (dryRun) {
    // pnpm's git checks (branch main, clean, in step with the remote) are for the real thing.
    step('publish, without uploading', [...pnpm, ...PUBLISH_ARGS, '--dry-run', '--no-git-checks']);
    console.log('\n✔ Dry run passed: `npx -y pnpm@12.4.2 release` in the release workflow publishes this.');
    return;
  }
  // Provenance links each tarball to this commit and workflow run; npm refuses it outside a CI
  // it trusts, so a release from a laptop stops here rather than publishing without it.
  step('publish with provenance', [...pnpm, ...PUBLISH_ARGS, '--provenance']);
  step('tag the release', [...pnpm, 'exec', 'changeset', 'tag']);
  console.log('\n✔ Published. Push the tags: git push --follow-tags');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const unknown = process.argv.slice(2).filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) {
    console.error(`release: unknown argument ${unknown.join(' ')} (the only option is --dry-run)`);
    process.exit(1);
  }
  main(process.argv.includes('--dry-run'));
}
