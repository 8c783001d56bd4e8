// docs/api.md, generated from the JSDoc of every published entry point: each exported function,
// class, constant and type with its signature, its description and its example. `pnpm api-reference`
// rewrites it; a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { entries } from './api-report.js';

export const REFERENCE = join(fileURLToPath(new URL('..', import.meta.url)), 'docs/api.md');

/** The declaration's head as written in the source, without its body or initializer. */
function signature(declaration: ts.Declaration, source: ts.SourceFile): string {
  let node: ts.Node = declaration;
  let text: string;
  if (ts.isFunctionDeclaration(node) && node.body) text = source.text.slice(node.getStart(source), node.body.getStart(source));
  else if (ts.isInterfaceDeclaration(node)) return node.getText(source).replace(/^export\s+/, '');
  else if (ts.isClassDeclaration(node)) text = source.text.slice(node.getStart(source), node.members.pos).replace(/\{\s*$/, '');
  else if (ts.isVariableDeclaration(node)) {
    node = node.parent.parent;
    const declared = declaration as ts.VariableDeclaration;
    text = `const ${declared.name.getText(source)}${declared.type ? `: ${declared.type.getText(source)}` : ''}`;
  } else text = node.getText(source);
  return text.replace(/^export\s+/, '').replace(/\s+/g, ' ').trim();
}

/** The compiler's view of every published entry point, shared by the reference and its checks. */
export function publicProgram(): ts.Program {
  return ts.createProgram(
    entries().map((entry) => entry.source),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true, skipLibCheck: true },
  );
}

/** A declaration's JSDoc summary and `@example`s (a `const` keeps its JSDoc on the statement). */
export function docOf(declaration: ts.Declaration): { summary: string; examples: string[] } {
  const host = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  const docs = ts.getJSDocCommentsAndTags(host).filter(ts.isJSDoc);
  const summary = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '').join('\n').trim();
  const examples = ts
    .getJSDocTags(host)
    .filter((tag) => tag.tagName.text === 'example')
    .map((tag) => (ts.getTextOfJSDocComment(tag.comment) ?? '').trim());
  return { summary, examples };
}

/** A class's public methods and properties, each with its signature and summary. */
function classMembers(declaration: ts.ClassDeclaration, source: ts.SourceFile): string[] {
  const lines: string[] = [];
  for (const member of declaration.members) {
    const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
    if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    if (!member.name || ts.isPrivateIdentifier(member.name)) continue;
    let head: string;
    if (ts.isMethodDeclaration(member) && member.body) head = source.text.slice(member.getStart(source), member.body.getStart(source));
    else if (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) head = member.getText(source).replace(/\s*=.*$/s, '').replace(/\{[\s\S]*$/, '');
    else continue;
    const { summary } = docOf(member as ts.Declaration);
    lines.push(`- \`${head.replace(/\s+/g, ' ').trim()}\`${summary ? `: ${summary.replace(/\s+/g, ' ')}` : ''}`);
  }
  return lines.length > 0 ? [...lines, ''] : [];
}

/** The whole reference page. */
export function reference(): string {
  const list = entries();
  const program = publicProgram();
  const checker = program.getTypeChecker();
  const parts = [
    '# API reference',
    '',
    '<!-- Written by `pnpm api-reference` (scripts/api-reference.ts) from the JSDoc. Do not edit by hand. -->',
    '',
    'Every name each published entry point exports. Guides: [getting started](getting-started.md), [concepts](concepts.md).',
    '',
  ];
  for (const entry of list) {
    const file = program.getSourceFile(entry.source)!;
    const module = entry.report.replace(/\.d\.ts$/, '').replace(/^([^.]+)(?:\.(.+))?$/, (_, pkg: string, sub?: string) => `@keyward/${pkg}${sub ? `/${sub}` : ''}`);
    parts.push(`## \`${module}\``, '');
    const exported = checker
      .getExportsOfModule(checker.getSymbolAtLocation(file)!)
      .map((symbol) => ({ name: symbol.name, target: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol }))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const { name, target } of exported) {
      const declaration = target.declarations?.[0];
      if (!declaration) continue;
      const source = declaration.getSourceFile();
      const { summary, examples } = docOf(declaration);
      // Excerpts: the docs check runs only complete programs, and these are declarations.
      parts.push(`### ${name}`, '', '<!-- excerpt -->', '```ts', signature(declaration, source), '```', '');
      if (summary) parts.push(summary, '');
      for (const example of examples) parts.push('<!-- excerpt -->', '```ts', example, '```', '');
      if (ts.isClassDeclaration(declaration)) parts.push(...classMembers(declaration, source));
    }
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(REFERENCE, reference());
  console.log(`wrote ${REFERENCE}`);
}
