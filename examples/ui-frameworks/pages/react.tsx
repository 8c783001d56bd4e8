// React 19 sets unknown props on custom elements as properties when the element has them, so
// arrays and functions pass straight through; `on` + event name listens to its events. The tag's
// types come from the package: `import type {} from '@keyward/ui/react'`, nothing declared here.
import '@keyward/ui/define';
import type {} from '@keyward/ui/react';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';

const projects = [
  { id: 'proj_web', name: 'Website' },
  { id: 'proj_app', name: 'Mobile app' },
];

function App() {
  const [created, setCreated] = useState<string[]>([]);
  return (
    <main>
      <h1>API tokens · React</h1>
      <p role="status" id="log">{created.length === 0 ? 'No token created in this visit.' : `Created in this visit: ${created.join(', ')}`}</p>
      <keyward-tokens
        api="/settings"
        projects={projects}
        headers={() => ({ 'x-csrf-token': 'react-csrf' })}
        strings={{ createHeading: 'New token' }}
        onkeyward-token-created={(event) => setCreated((names) => [...names, event.detail.token.name])}
      />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
