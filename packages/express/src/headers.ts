import type { IncomingMessage } from 'node:http';

/**
 * A request header's value, with repeated headers joined by ", " as fetch's Headers does.
 * Node keeps only the first of a repeated Authorization header; a second credential must not go
 * unnoticed here when Hono (which joins them) would refuse it.
 */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(', ');
  const raw = req.rawHeaders;
  let joined: string | undefined;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    seen++;
    joined = joined === undefined ? raw[i + 1]! : `${joined}, ${raw[i + 1]!}`;
  }
  // Node already joined the ones it joins; only a header it deduplicated has more raw lines than its value shows.
  return seen > 1 && joined !== undefined ? joined : value;
}
