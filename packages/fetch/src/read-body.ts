import { BODY_RESPONSES, MAX_JSON_BODY_BYTES, jsonBodyDisposition, parseJsonBody, type JsonBodyResult } from '@keyward/core/http';

const NO_BODY: JsonBodyResult = Object.freeze({ ok: true, value: undefined });
const TOO_LARGE: JsonBodyResult = Object.freeze({ ok: false, response: BODY_RESPONSES.tooLarge });

/** The body's bytes, or null as soon as they pass `maxBytes` (the rest is never read). */
export async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop the upload instead of buffering an attacker's gigabytes.
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads a management request's JSON body the fetch way: from the stream, whether or not
 * Content-Length was sent, stopping at `maxBytes` (413). A request without a body or without a
 * UTF-8 `application/json` type has no JSON body (routes that need one answer 415); a compressed
 * body answers 415. The same answers `@keyward/express` and `@keyward/hono` give.
 * @example
 * const read = await readJsonBody(request);
 * if (!read.ok) return toResponse(read.response);
 */
export async function readJsonBody(request: Request, maxBytes: number = MAX_JSON_BODY_BYTES): Promise<JsonBodyResult> {
  const disposition = jsonBodyDisposition({
    // A body stream says there is a body, Content-Length or not. Without one, the headers decide,
    // as in Express: `Content-Length: 0` is an empty body (Bun.serve hands it over with body null).
    hasBody: request.body !== null ? true : undefined,
    contentType: request.headers.get('content-type'),
    contentEncoding: request.headers.get('content-encoding'),
    contentLength: request.headers.get('content-length'),
    transferEncoding: request.headers.get('transfer-encoding'),
  });
  if (disposition === 'none') return NO_BODY;
  if (disposition !== 'parse') return { ok: false, response: disposition };
  if (request.body === null) return parseJsonBody('');
  // A declared length over the limit is refused before reading a byte; the count below still holds for lying or absent ones.
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) {
    await request.body.cancel().catch(() => {});
    return TOO_LARGE;
  }
  const bytes = await readAtMost(request.body, maxBytes);
  if (bytes === null) return TOO_LARGE;
  // Non-fatal decoding and BOM stripping, as request.text() and Express's body parser do.
  return parseJsonBody(new TextDecoder().decode(bytes));
}
