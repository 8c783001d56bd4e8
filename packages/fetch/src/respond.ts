import { responseText, type HttpResponse } from '@keyward/core/http';

/**
 * Turns core's framework-free answer into a fetch `Response`. A new one each time: a Response's
 * body can be read once, so refusals built once per guard cannot be shared as Response objects.
 * @example
 * toResponse(guardResponses('api').missing).status // 401
 */
export function toResponse(response: HttpResponse): Response {
  // A copy: core's refusals are frozen, and some servers (@hono/node-server) add headers to the object they were given.
  return new Response(responseText(response), { status: response.status, headers: { ...response.headers } });
}
