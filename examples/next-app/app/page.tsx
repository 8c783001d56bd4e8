export default function Home() {
  return (
    <main>
      <h1>keyward on Next.js</h1>
      <p>
        Token management lives under <code>/api/settings/tokens</code>; <code>/api/projects/:projectId/builds</code> needs a token.
      </p>
    </main>
  );
}
