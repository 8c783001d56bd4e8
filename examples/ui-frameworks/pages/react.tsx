// React 19 sets unknown props on custom elements as properties when the element has them, so
// arrays and functions pass straight through; `on` + event name listens to its events.
import '@keyward/ui/define';
import type { KeywardTokensElement } from '@keyward/ui';
import { StrictMode, useState, type DetailedHTMLProps, type HTMLAttributes } from 'react';
import { createRoot } from 'react-dom/client';

type TokensProps = DetailedHTMLProps<HTMLAttributes<KeywardTokensElement>, KeywardTokensElement> & {
  api: string;
  projects?: { id: string; name: string }[];
  headers?: KeywardTokensElement['headers'];
  strings?: KeywardTokensElement['strings'];
  'onkeyward-token-created'?: (event: CustomEvent<{ token: { id: string; name: string } }>) => void;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'keyward-tokens': TokensProps;
    }
  }
}

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
