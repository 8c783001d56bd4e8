// Stands in for node:http in the bundle: the harness sends a header on several lines with
// node:http's request(), which fetch cannot do. In process, each line is appended to the Request's
// Headers, which joins them with ", " exactly as a fetch server receiving them over HTTP does.
import { ORIGIN, dispatch } from './in-process.js';

type Listener = (value?: unknown) => void;

class Emitter {
  private listeners: Record<string, Listener[]> = {};
  on(event: string, listener: Listener): this {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }
  emit(event: string, value?: unknown): void {
    for (const listener of this.listeners[event] ?? []) listener(value);
  }
}

type NodeRequest = (url: string, options: { method?: string }, onResponse: (res: never) => void) => unknown;
// Bun and Deno have node:http: a test server listening for real gets the header lines for real.
const realHttp = (globalThis as { process?: { getBuiltinModule?: (id: string) => { request: NodeRequest } | undefined } }).process?.getBuiltinModule?.('node:http');

export function request(url: string, options: { method?: string }, onResponse: (res: Emitter & { statusCode: number; headers: Record<string, string> }) => void) {
  if (realHttp && !url.startsWith(`${ORIGIN}/`)) return realHttp.request(url, options, onResponse as (res: never) => void);
  const headers = new Headers();
  const req = new Emitter() as Emitter & { setHeader(name: string, value: string | string[]): void; end(): void };
  req.setHeader = (name, value) => {
    for (const line of Array.isArray(value) ? value : [value]) headers.append(name, line);
  };
  req.end = () => {
    dispatch(new Request(url, { method: options.method ?? 'GET', headers })).then(async (response) => {
      const res = Object.assign(new Emitter(), { statusCode: response.status, headers: Object.fromEntries(response.headers) });
      onResponse(res);
      res.emit('data', new Uint8Array(await response.arrayBuffer()));
      res.emit('end');
    }, (error: unknown) => req.emit('error', error));
  };
  return req;
}

export function createServer(): never {
  throw new Error('node:http servers are not available in the runtime matrix bundle');
}
