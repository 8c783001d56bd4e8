// The order vitest starts test files in. With more than one worker, the run ends when its longest
// file does: a file that takes minutes, started last, runs alone at the end while the other workers
// sit idle. So the files known to take longest start first, longest first, and everything else
// follows in vitest's own order (slowest of the last run first, then largest).
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files measured as the longest of a run (packing and installing tarballs, `next build`, other
 * runtimes, Chromium, 100 000-case property runs), longest first, as paths from the repository
 * root. A file missing here is only started later; a name here that no longer exists is ignored.
 */
export const SLOW_FILES = [
  'scripts/test/tarballs.test.ts',
  'hardening/test/no-plaintext.test.ts',
  'hardening/test/hostile-input.test.ts',
  'examples/next-app/test/next-app.test.ts',
  'packages/ui/test/element.browser.test.ts',
  'scripts/api-report.test.ts',
  'examples/runtime-matrix/test/runtimes.test.ts',
  'examples/runtime-matrix/test/server-stores.test.ts',
  'scripts/test/tarball-hash-backend.test.ts',
  'packages/ui/test/layout.browser.test.ts',
  'examples/dashboard/test/browser.test.ts',
  'scripts/test/publish.test.ts',
  'examples/ui-frameworks/test/pages.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root.replace(/\/?$/, '/');
    const rank = (spec: TestSpecification) => {
      const at = SLOW_FILES.indexOf(spec.moduleId.startsWith(root) ? spec.moduleId.slice(root.length) : spec.moduleId);
      return at === -1 ? SLOW_FILES.length : at;
    };
    // Array.prototype.sort is stable: files of equal rank keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
