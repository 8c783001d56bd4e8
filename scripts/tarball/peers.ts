// The peer dependency ranges of the published packages, and the two ends of each that the tarball
// test installs: the lowest version a range admits, and the newest (the range itself, which npm
// resolves to its highest version). Read from the manifests, so a range and its test cannot drift.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import semver from 'semver';
import { publishedPackages } from '../workspace.js';

const run = promisify(execFile);

/**
 * Peers not installed at their ends: optional ones (type packages; the UI's framework wrappers,
 * which examples/ui-frameworks runs), and vitest, the peer of @keyward/store-tests, which runs
 * the suites themselves at the workspace's version.
 */
const NOT_A_LIBRARY_PEER = /^@types\/|^vitest$/;

/**
 * Optional peers that are libraries all the same, installed at their ends: better-sqlite3 is
 * optional for @keyward/sqlite (Bun, Deno and Node 22+ have SQLite built in) yet it is the driver
 * on Node 20, so its range is tested like a required peer's.
 */
const OPTIONAL_LIBRARY_PEERS = new Set(['better-sqlite3']);

/**
 * Each library peer (required, or in OPTIONAL_LIBRARY_PEERS) and its range, as the packages declare it (one range per peer).
 *
 * @example
 * peerRanges(); // { express: '^5.0.0', fastify: '^5.0.0', hono: '^4.4.2', pg: '^8.11.0', ioredis: '^5.4.0 || ^6.0.0', 'better-sqlite3': '^12.0.0 || ^13.0.0' }
 */
export function peerRanges(): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const { name, manifest } of publishedPackages()) {
    const optional = (manifest.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>;
    for (const [peer, range] of Object.entries((manifest.peerDependencies ?? {}) as Record<string, string>)) {
      if (NOT_A_LIBRARY_PEER.test(peer) || (optional[peer]?.optional && !OPTIONAL_LIBRARY_PEERS.has(peer))) continue;
      if (ranges[peer] !== undefined && ranges[peer] !== range) throw new Error(`${name} asks for ${peer} ${range}, another package for ${ranges[peer]}: keep one range per peer`);
      ranges[peer] = range;
    }
  }
  return ranges;
}

/**
 * What the `lowest` and `newest` scratch projects install for each peer.
 *
 * @example
 * peerEnds().lowest.hono; // '4.4.2'
 */
export function peerEnds(): { lowest: Record<string, string>; newest: Record<string, string> } {
  const ranges = peerRanges();
  return {
    lowest: Object.fromEntries(Object.entries(ranges).map(([peer, range]) => [peer, semver.minVersion(range)!.version])),
    newest: ranges,
  };
}

const nodeBinaries = new Map<number, Promise<string>>();

/**
 * The path of a Node.js binary of that major version, from the `node` package on the npm registry
 * (the newest release of the major; npx caches it).
 *
 * @example
 * await nodeBinary(22); // '/root/.npm/_npx/…/node_modules/node/bin/node'
 */
export function nodeBinary(major: number): Promise<string> {
  if (!nodeBinaries.has(major)) {
    nodeBinaries.set(
      major,
      // From a directory outside the workspace: inside it, npx takes the workspace's own `node`
      // package (a dev dependency at another major) and prints the system Node's path instead.
      run('npx', ['-y', `node@${major}`, '-p', 'process.execPath + " " + process.versions.node'], { timeout: 180_000, cwd: tmpdir() }).then(({ stdout }) => {
        const [path, version] = stdout.trim().split(' ');
        if (!path || Number(version?.split('.')[0]) !== major) throw new Error(`npx node@${major} ran Node ${version} (${path}), not Node ${major}`);
        return path;
      }),
    );
  }
  return nodeBinaries.get(major)!;
}
