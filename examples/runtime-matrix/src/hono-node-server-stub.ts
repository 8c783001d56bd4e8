// The Hono test app imports @hono/node-server to serve itself on Node; the matrix serves its
// fetch handler in process instead, so the Node adapter is left out of the bundle.
export function createAdaptorServer(): never {
  throw new Error('@hono/node-server is not available in the runtime matrix bundle');
}
