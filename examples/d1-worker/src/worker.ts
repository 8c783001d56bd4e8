// A Cloudflare Worker with API tokens in D1: the guard on /projects/:id/builds, the management API
// under /settings, and the settings page with <keyward-tokens> at /settings/tokens-page.
import { app, type Env } from './app.js';

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return app(env)(request);
  },
};
