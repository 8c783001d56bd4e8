import type { ProjectInfo } from '@keyward/core';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The Tokens settings page: the host's frame around `<keyward-tokens>`, which talks to /settings. */
export function tokensPage(projects: readonly ProjectInfo[]): string {
  const list = JSON.stringify(projects.map(({ id, name }) => ({ id, name })));
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API tokens</title>
    <script type="module" src="/assets/keyward-tokens.js"></script>
  </head>
  <body>
    <main>
      <h1>API tokens</h1>
      <keyward-tokens api="/settings" projects="${escape(list)}"></keyward-tokens>
    </main>
  </body>
</html>
`;
}
