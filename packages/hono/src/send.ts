import { responseText, type HttpResponse } from '@keyward/core/http';
import type { Context } from 'hono';

/** Writes a core HttpResponse through the Context, so headers set by earlier middleware survive. */
export function send(c: Context, response: HttpResponse): Response {
  const text = responseText(response);
  if (text === null || response.status === 204) return c.body(null, response.status, response.headers);
  return c.body(text, response.status, response.headers);
}
