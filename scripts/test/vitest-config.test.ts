// How the suite is scheduled on CI's 2 cores: two files at a time, the longest started first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import config from '../../vitest.config.js';
import { SLOW_FILES } from '../vitest/slow-first-sequencer.js';
import { ROOT } from '../workspace.js';

test('every file the sequencer starts first exists, once (a renamed file would silently start last)', () => {
  expect(SLOW_FILES.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  expect(new Set(SLOW_FILES).size).toBe(SLOW_FILES.length);
});

test('vitest runs at least two files at a time, in the slow-first order', () => {
  expect(config.test?.maxWorkers).toBeGreaterThanOrEqual(2);
  expect(config.test?.sequence?.sequencer?.name).toBe('SlowFirstSequencer');
});
