// Where every package's tests live. Vitest 4 no longer reads a workspace file by itself:
// vitest.config.ts imports this list.
export const testFiles = ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'hardening/test/**/*.test.ts', 'scripts/**/*.test.ts'];
