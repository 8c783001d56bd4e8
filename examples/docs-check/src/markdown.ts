// The documentation the checks read: README.md, docs/ and the package and example READMEs, and
// their fenced code blocks.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every documentation file, relative to the repository root (docs/benchmarks.md, a bench printout, left out). */
export function markdownFiles(): string[] {
  const files = ['README.md'];
  for (const dir of ['docs', 'packages', 'examples']) {
    const base = join(ROOT, dir);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.md')) files.push(join(dir, entry.name));
      if (entry.isDirectory() && existsSync(join(base, entry.name, 'README.md'))) files.push(join(dir, entry.name, 'README.md'));
    }
  }
  return files.filter((f) => !f.startsWith('docs/benchmarks'));
}

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  /** Marked `<!-- excerpt -->` (a fragment) or `<!-- runtime: … -->` (run by examples/runtime-matrix). */
  excerpt: boolean;
  code: string;
}

/** The fenced code blocks of `file`, whose fences start their line. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    // `<!-- runtime: bun -->` (deno, workerd…): a program for another runtime, run by examples/runtime-matrix.
    const excerpt = /^<!-- (excerpt|runtime: [a-z]+) -->$/.test(lines[i - 1]?.trim() ?? '');
    blocks.push({ file, line: i + 1, language: open[1]!, excerpt, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}
