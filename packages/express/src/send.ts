import { responseText, type HttpResponse } from '@keyward/core/http';
import type { Response } from 'express';

/**
 * Writes a core HttpResponse. Headers go out exactly as core built them (res.set would append a
 * charset to Content-Type), so Express and Hono answer byte-for-byte alike.
 */
export function send(res: Response, response: HttpResponse): void {
  res.status(response.status);
  for (const name in response.headers) res.setHeader(name, response.headers[name]!);
  const text = responseText(response);
  if (text === null) res.end();
  else res.end(text);
}
