// Every function and class a published package exports carries a JSDoc with an `@example`: the
// reference docs are the JSDoc, and an export without an example is an export nobody can adopt.
import ts from 'typescript';
import { expect, test } from 'vitest';
import { docOf, publicProgram } from './api-reference.js';
import { entries } from './api-report.js';

const program = publicProgram();
const checker = program.getTypeChecker();

/** Exported functions and classes of an entry point without an `@example` in their JSDoc. */
function withoutExample(source: string): string[] {
  const file = program.getSourceFile(source);
  if (!file) throw new Error(`not in the program: ${source}`);
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of symbol.declarations ?? []) {
      const callable =
        ts.isFunctionDeclaration(declaration) ||
        ts.isClassDeclaration(declaration) ||
        (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined && (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer)));
      if (callable && docOf(declaration).examples.length === 0) missing.push(exported.name);
    }
  }
  return [...new Set(missing)].sort();
}

for (const entry of entries()) {
  test(`every function and class exported by ${entry.report.replace(/\.d\.ts$/, '')} has a JSDoc @example`, () => {
    expect(withoutExample(entry.source)).toEqual([]);
  });
}
