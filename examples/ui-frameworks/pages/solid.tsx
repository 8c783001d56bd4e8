/** @jsxImportSource solid-js */
// Solid, type-checked only (running Solid's JSX needs its own compiler, which this example does
// not run): the tag's types come from the package, `import type {} from '@keyward/ui/solid'`.
import '@keyward/ui/define';
import type {} from '@keyward/ui/solid';
import { createSignal } from 'solid-js';

const projects = [
  { id: 'proj_web', name: 'Website' },
  { id: 'proj_app', name: 'Mobile app' },
];

export function App() {
  const [created, setCreated] = createSignal<string[]>([]);
  return (
    <main>
      <h1>API tokens · Solid</h1>
      <p role="status">{created().join(', ')}</p>
      <keyward-tokens
        api="/settings"
        projects={projects}
        theme="auto"
        headers={() => ({ 'x-csrf-token': 'solid-csrf' })}
        on:keyward-token-created={(event) => setCreated((names) => [...names, event.detail.token.name])}
      />
    </main>
  );
}
