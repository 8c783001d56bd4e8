// The fenced code blocks of a Markdown file, as docs-check and the tarball test read them. A block
// runs unless the line before it is `<!-- excerpt -->` (a fragment that needs surrounding code) or
// `<!-- runtime: … -->` (a program for Bun, Deno or workerd, which examples/runtime-matrix runs there).

export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  excerpt: boolean;
  code: string;
}

/** The languages a docs program may be written in (tsx runs them all). */
export const RUNNABLE = new Set(['ts', 'typescript', 'js', 'mjs']);

/**
 * Every fenced block of `markdown`, in order.
 *
 * @example
 * codeBlocks('docs/hono.md', '```ts\nconsole.log(1); // → 1\n```\n'); // [{ file: 'docs/hono.md', line: 1, language: 'ts', excerpt: false, code: 'console.log(1); // → 1' }]
 */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    const excerpt = /^<!-- (excerpt|runtime: [a-z]+) -->$/.test(lines[i - 1]?.trim() ?? '');
    blocks.push({ file, line: i + 1, language: open[1]!, excerpt, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/**
 * The blocks of `markdown` that run as programs (not excerpts, in a runnable language).
 *
 * @example
 * runnableBlocks('docs/stores.md', readFileSync('docs/stores.md', 'utf8')).length; // 4
 */
export function runnableBlocks(file: string, markdown: string): CodeBlock[] {
  return codeBlocks(file, markdown).filter((block) => RUNNABLE.has(block.language) && !block.excerpt);
}
