// `pnpm --filter ui-frameworks start`: http://127.0.0.1:3001/plain, /react and /vue.
import { serve } from '@hono/node-server';
import { createFrameworksApp } from './app.js';

const port = Number(process.env.PORT ?? 3001);
const { app } = await createFrameworksApp();
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`<keyward-tokens> from plain HTML, React and Vue: http://127.0.0.1:${info.port}/plain, /react, /vue`);
});
