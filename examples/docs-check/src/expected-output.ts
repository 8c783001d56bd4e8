// Docs are programs that say what they print: `console.log(x); // → 200 { calledBy: 'CI' }`.

/** The output a block promises: its `// → …` comments, in order. */
export function expectedOutput(code: string): string[] {
  return code.split('\n').flatMap((line) => {
    const at = line.indexOf('// → ');
    return at === -1 ? [] : [line.slice(at + '// → '.length).trim()];
  });
}

/**
 * Whether `stdout` is what the comments promise. Whitespace runs compare equal (an object that
 * console.log spreads over lines may be written on one), and `…` stands for any text: a token's
 * random characters, fields the comment leaves out.
 */
export function printsAsPromised(stdout: string, expected: readonly string[]): boolean {
  const pattern = expected
    .join('\n')
    .trim()
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(stdout.trim());
}
