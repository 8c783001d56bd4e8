// The reader lives in core, shared with the Hono middleware on @hono/node-server.
export { incomingHeaderValue as headerValue } from '@keyward/core/http';
