// Every public package would publish, and no private project ever would. The release's own publish
// command (scripts/release.ts, less --provenance) runs for real against a stand-in registry on
// loopback that keeps what it is sent: the exact uploads, with no token and no network.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PUBLISH_ARGS } from '../release.js';
import { ROOT, publishedPackages, workspaceProjects, type Manifest } from '../workspace.js';

const run = promisify(execFile);

interface Upload {
  name: string;
  'dist-tags': Record<string, string>;
  access: string;
  versions: Record<string, Manifest & Record<string, unknown>>;
  _attachments: Record<string, { data: string }>;
}

/** A registry that has nothing yet (404 on every read) and accepts every upload. */
function standInRegistry(): { server: Server; uploads: Upload[] } {
  const uploads: Upload[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'PUT') uploads.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Upload);
      response.writeHead(request.method === 'PUT' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(request.method === 'PUT' ? '{}' : '{"error":"not found"}');
    });
  });
  return { server, uploads };
}

async function pnpm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; output: string }> {
  return run('npx', ['-y', 'pnpm@12.4.2', ...args], { cwd, env, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

/** Every file a manifest points a consumer at: main, module, types, exports and typesVersions targets. */
function entryFiles(manifest: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*')) found.add(value.slice(2));
    } else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk([manifest.main, manifest.module, manifest.types, manifest.exports, manifest.typesVersions].map((v) => (typeof v === 'string' && !v.startsWith('./') ? `./${v}` : v)));
  return [...found].sort();
}

const registry = standInRegistry();
let url = '';
const work = mkdtempSync(join(tmpdir(), 'keyward-publish-'));

beforeAll(async () => {
  await new Promise<void>((resolve) => registry.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(registry.server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => registry.server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('the release\'s publish command, to a stand-in registry', () => {
  const published = publishedPackages();
  const version = published[0]!.manifest.version!;
  let result: { code: number; output: string };

  beforeAll(async () => {
    // pnpm's git checks (branch main, clean tree, in step with the remote) belong to the release itself.
    result = await pnpm([...PUBLISH_ARGS, '--no-git-checks', '--registry', url], ROOT);
  }, 150_000);

  test('uploads exactly the public packages, each once', () => {
    expect(result.code, result.output).toBe(0);
    expect(registry.uploads.map((u) => u.name).sort()).toEqual(published.map((p) => p.name).sort());
  });

  test.each(published.map((p) => p.name))('%s: at the one version, public, with workspace: ranges rewritten to that version', (name) => {
    const upload = registry.uploads.find((u) => u.name === name)!;
    expect(Object.keys(upload.versions)).toEqual([version]);
    expect(upload['dist-tags']).toEqual({ latest: version });
    expect(upload.access).toBe('public');
    const manifest = upload.versions[version]!;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      for (const [dependency, range] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
        expect(range, `${field}.${dependency}`).not.toMatch(/^workspace:/);
        if (dependency.startsWith('@keyward/')) expect(range, `${field}.${dependency}`).toBe(`^${version}`);
      }
    }
  });

  test.each(published.map((p) => p.name))('%s: the tarball holds its README, LICENSE, CHANGELOG and every file its manifest points to', async (name) => {
    const upload = registry.uploads.find((u) => u.name === name)!;
    const [attachment] = Object.values(upload._attachments);
    const tarball = join(work, `${name.replace('/', '-')}.tgz`);
    writeFileSync(tarball, Buffer.from(attachment!.data, 'base64'));
    const files = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    const wanted = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...entryFiles(upload.versions[version]!)];
    expect(wanted.filter((file) => !files.includes(file))).toEqual([]);
  });
});

describe('provenance', () => {
  test('outside a CI that npm trusts, the release\'s publish with --provenance stops before uploading anything', { timeout: 60_000 }, async () => {
    const before = registry.uploads.length;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CI|GITHUB_|GITLAB_|ACTIONS_|CIRCLECI|BUILDKITE)/.test(name)));
    const result = await pnpm([...PUBLISH_ARGS, '--provenance', '--no-git-checks', '--registry', url], ROOT, env);
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain('ERR_PNPM_PROVENANCE_UNSUPPORTED_PROVIDER');
    expect(registry.uploads.length).toBe(before);
  });
});

describe('private projects are refused', () => {
  const privates = workspaceProjects().filter((p) => !publishedPackages().some((q) => q.dir === p.dir));

  test('the test kit, bench, hardening, every example and the root are the private projects', () => {
    expect(privates.map((p) => p.dir)).toEqual(expect.arrayContaining(['.', 'packages/test-kit', 'bench', 'hardening', 'examples/demo', 'examples/docs-check']));
    expect(privates.filter((p) => !/^(\.|packages\/test-kit|bench|hardening|examples\/.+)$/.test(p.dir)).map((p) => p.dir)).toEqual([]);
    for (const project of privates) expect(project.manifest.private, project.dir).toBe(true);
  });

  test.concurrent.each(privates.map((p) => p.dir))('pnpm publish in %s is refused and sends nothing', { timeout: 60_000 }, async (dir) => {
    const before = registry.uploads.length;
    const refused = await pnpm(['publish', '--no-git-checks', '--registry', url], join(ROOT, dir));
    expect(refused.code, refused.output).not.toBe(0);
    // Private (or, for a project that has no version either, unpackable first).
    expect(refused.output).toMatch(/ERR_PNPM_PRIVATE_PACKAGE|ERR_PNPM_PACKAGE_VERSION_NOT_FOUND/);
    expect(registry.uploads.length).toBe(before);
  });
});
