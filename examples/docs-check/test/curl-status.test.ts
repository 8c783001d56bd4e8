// Shell sessions in the docs that show status codes run curl so that it prints them.
import { describe, expect, test } from 'vitest';
import { curlCommands, printsStatus, showsStatus } from '../src/curl-status.js';
import { codeBlocks, markdownFiles } from '../src/markdown.js';

describe('reading curl sessions', () => {
  test('commands, continuation lines, trailing comments and comment lines below', () => {
    const block = ["curl -s -X POST localhost:3000/t -H 'content-type: application/json' \\", "  -d '{}'", '# 201 {"plaintext":"kw_…"}', '', 'curl -i localhost:3000/x   # 200 {}'].join('\n');
    expect(curlCommands(block)).toEqual([
      { line: 1, command: "curl -s -X POST localhost:3000/t -H 'content-type: application/json' -d '{}'", comment: '201 {"plaintext":"kw_…"}' },
      { line: 5, command: 'curl -i localhost:3000/x', comment: '200 {}' },
    ]);
  });

  test('a status is promised by a number or a status line, and printed by -i, -si, --include, -v or -w', () => {
    expect(['201 {…}', 'HTTP/1.1 403 Forbidden', '403: project tokens…'].map(showsStatus)).toEqual([true, true, true]);
    expect(showsStatus('the only time the plaintext is shown')).toBe(false);
    expect(['curl -i x', 'curl -si x', 'curl --include x', "curl -s -o /dev/null -w '%{http_code}' x"].map(printsStatus)).toEqual([true, true, true, true]);
    expect(['curl -s x', "curl -s -H 'x-id: 1' x", "curl -X POST -d '{}' x"].map(printsStatus)).toEqual([false, false, false]);
  });
});

test.each(markdownFiles())('%s: a curl command whose comment shows a status prints it', (file) => {
  const problems = codeBlocks(file)
    .filter((block) => ['sh', 'bash', 'shell', 'console'].includes(block.language))
    .flatMap((block) => curlCommands(block.code).filter((c) => showsStatus(c.comment) && !printsStatus(c.command)).map((c) => `${file}:${block.line + c.line}: ${c.command}`));
  expect(problems).toEqual([]);
});
