// The workspace's projects as pnpm sees them (pnpm-workspace.yaml), split into the packages that
// are published and the private projects that never are. The release script, the publish test and
// the tarball test all ask here, so a new package is released, packed and tested without a list
// to update.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  [field: string]: unknown;
}

export interface Project {
  /** Folder relative to the workspace root, `.` for the root itself. */
  dir: string;
  name: string;
  manifest: Manifest;
}

/** The `packages:` globs of pnpm-workspace.yaml (`packages/*`, `bench`…), in order. */
function workspaceGlobs(root: string): string[] {
  const lines = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n');
  const globs: string[] = [];
  for (const line of lines.slice(lines.indexOf('packages:') + 1)) {
    const item = /^\s+-\s+['"]?([^'"\s]+)['"]?\s*$/.exec(line);
    if (!item) break;
    if (!/^[\w.-]+(\/\*)?$/.test(item[1]!)) throw new Error(`pnpm-workspace.yaml: the glob ${item[1]} is not one this reader knows (a folder or folder/*)`);
    globs.push(item[1]!);
  }
  return globs;
}

/**
 * Every project of the workspace: the root, then each folder its globs match that has a package.json.
 *
 * @example
 * workspaceProjects().filter((p) => p.manifest.private).map((p) => p.name); // ['keyward-monorepo', '@keyward/test-kit', …]
 */
export function workspaceProjects(root: string = ROOT): Project[] {
  const dirs = workspaceGlobs(root).flatMap((glob) =>
    glob.endsWith('/*')
      ? readdirSync(join(root, glob.slice(0, -2))).sort().map((entry) => join(glob.slice(0, -2), entry))
      : [glob],
  );
  return ['.', ...dirs]
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
      return { dir, name: manifest.name, manifest };
    });
}

/**
 * The published packages: every project not marked `private`.
 *
 * @example
 * publishedPackages().map((p) => p.dir); // ['packages/core', 'packages/express', …]
 */
export function publishedPackages(root: string = ROOT): Project[] {
  return workspaceProjects(root).filter((project) => !project.manifest.private);
}
