// The pages typecheck with the package's own declarations (`@keyward/ui/react`, `/vue`, `/solid`),
// none declared here; and those declarations do check: a wrong prop is a type error.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, expect, test } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const pages = join(here, 'pages');
const scratch = join(here, 'test/.types-check');
const rootConfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Type errors of `files` (paths), compiled with the repository's settings (its `@keyward/*` paths). */
function typeErrors(files: string[]): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(rootConfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${d.file!.fileName.slice(here.length)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

test('no page declares <keyward-tokens> itself', () => {
  for (const file of readdirSync(pages)) expect(readFileSync(join(pages, file), 'utf8'), file).not.toMatch(/IntrinsicElements|declare module|GlobalComponents/);
});

test('the React, Vue and Solid pages typecheck; a wrong attribute, property or event handler does not', { timeout: 60_000 }, () => {
  mkdirSync(scratch, { recursive: true });
  const wrongReact = join(scratch, 'wrong-react.tsx');
  writeFileSync(
    wrongReact,
    `import type {} from '@keyward/ui/react';
export const a = <keyward-tokens api={42} />;
export const b = <keyward-tokens api="/settings" theme="sepia" />;
export const c = <keyward-tokens api="/settings" projects={[{ id: 1 }]} />;
export const d = <keyward-tokens api="/settings" onkeyward-token-created={(e: CustomEvent<{ ids: string[] }>) => e.detail.ids} />;
`,
  );
  const wrongVue = join(scratch, 'wrong-vue.ts');
  writeFileSync(wrongVue, `import type { KeywardTokensVueProps } from '@keyward/ui/vue';\nexport const p = { api: '/settings', theme: 'sepia' } satisfies KeywardTokensVueProps;\n`);
  const wrongSolid = join(scratch, 'wrong-solid.tsx');
  writeFileSync(
    wrongSolid,
    `/** @jsxImportSource solid-js */
import type {} from '@keyward/ui/solid';
export const a = <keyward-tokens api={42} />;
export const b = <keyward-tokens api="/settings" on:keyward-tokens-deleted={(e: CustomEvent<{ token: { id: number } }>) => e.detail.token.id} />;
`,
  );
  const errors = typeErrors([join(pages, 'react.tsx'), join(pages, 'vue.ts'), join(pages, 'solid.tsx'), wrongReact, wrongVue, wrongSolid]);
  expect(errors.filter((e) => e.startsWith('/pages/'))).toEqual([]);
  expect(errors.filter((e) => e.includes('wrong-react.tsx')).length).toBe(4);
  expect(errors.filter((e) => e.includes('wrong-vue.ts')).length).toBe(1);
  expect(errors.filter((e) => e.includes('wrong-solid.tsx')).length).toBe(2);
});
