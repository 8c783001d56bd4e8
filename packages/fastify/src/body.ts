import { BODY_RESPONSES, MAX_JSON_BODY_BYTES, jsonBodyDisposition, parseJsonBody, type HttpResponse } from '@keyward/core/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** An error that already knows its answer: thrown from a body parser, written by the plugin's error handler. */
export class BodyRefusal extends Error {
  constructor(readonly response: HttpResponse) {
    super(String((response.body as { detail?: unknown } | undefined)?.detail ?? 'request body refused'));
    this.name = 'BodyRefusal';
  }
}

/** Fastify's own body errors, mapped to the answers Express and Hono give for the same bodies. */
const FASTIFY_BODY_ERRORS: Readonly<Record<string, HttpResponse>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: BODY_RESPONSES.tooLarge,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: BODY_RESPONSES.invalidJson,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: BODY_RESPONSES.unsupportedMediaType,
  FST_ERR_CTP_INVALID_TYPE: BODY_RESPONSES.unsupportedMediaType,
};

/** The problem to answer for an error raised while reading a body, or undefined for any other error. */
export function bodyErrorResponse(error: unknown): HttpResponse | undefined {
  if (error instanceof BodyRefusal) return error.response;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? FASTIFY_BODY_ERRORS[code] : undefined;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Replaces the scope's body parsers: Fastify reads the body (with its own size limit, 128 KiB),
 * core decides what it means, exactly as for Express and Hono: UTF-8 `application/json` objects
 * and arrays only; any other type is "no JSON body" (routes that need one answer 415 after
 * checking who is asking); a compressed body is 415.
 */
export function useJsonBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_JSON_BODY_BYTES }, (request, text, done) => {
    const disposition = jsonBodyDisposition({
      contentType: header(request, 'content-type'),
      contentEncoding: header(request, 'content-encoding'),
      contentLength: header(request, 'content-length'),
      transferEncoding: header(request, 'transfer-encoding'),
    });
    if (disposition === 'none') return done(null, undefined);
    if (disposition !== 'parse') return done(new BodyRefusal(disposition), undefined);
    const parsed = parseJsonBody(text as string);
    if (!parsed.ok) return done(new BodyRefusal(parsed.response), undefined);
    done(null, parsed.value);
  });
  // Other types are left unread: the handler answers 415 where a JSON body was needed.
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}
