import { responseText, type HttpResponse } from '@keyward/core/http';
import type { FastifyReply } from 'fastify';

/**
 * Writes a core HttpResponse. The body goes out as the exact text core built, with core's
 * Content-Type, so Fastify answers byte-for-byte like Express and Hono (no serializer in between).
 */
export function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  reply.code(response.status);
  for (const name in response.headers) reply.header(name, response.headers[name]!);
  const text = responseText(response);
  // A Buffer, not a string: Fastify appends "; charset=utf-8" to the Content-Type of string payloads.
  return text === null ? reply.send() : reply.send(Buffer.from(text));
}
