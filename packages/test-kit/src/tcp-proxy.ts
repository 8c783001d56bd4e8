// A loopback TCP proxy a test can turn against one client (Redis or PostgreSQL: it only moves
// bytes): forward everything, drop every reply (the request still reaches the server: a lost
// reply), or stall both directions without closing (no FIN, no RST: the client sees a silent
// connection, as behind a dead NAT or a frozen peer).
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * - `forward`: bytes flow both ways.
 * - `drop-replies`: client → server flows, server → client is read and thrown away.
 * - `stall`: nothing flows either way; bytes wait in the proxy and in the kernel buffers.
 */
export type ProxyMode = 'forward' | 'drop-replies' | 'stall';

export interface TcpProxy {
  /** Port on 127.0.0.1 to point the client at. */
  readonly port: number;
  /**
   * Changes what happens to bytes from now on (stalled bytes are delivered on `forward`): on every
   * connection, open or yet to come (`'all'`, the default), or only on those open now (`'open'`:
   * e.g. one connection goes silent while its replacement would flow).
   */
  setMode(mode: ProxyMode, which?: 'all' | 'open'): void;
  /** Destroys every open connection at once (the client sees it closed: a crash, a reset), and keeps listening. */
  resetConnections(): void;
  /** Connections accepted so far, closed ones included. */
  readonly accepted: number;
  /**
   * Arms a trigger: the first client → server chunk for which `match` is true is forwarded, and
   * from then on that connection (only) is in `drop-replies`. With `connections` > 1 it stays
   * armed for that many connections (one pooled client each), e.g. concurrent deletes on a pool.
   */
  dropRepliesAfter(match: (chunk: string) => boolean, connections?: number): void;
  /** Server → client bytes thrown away so far in `drop-replies`. */
  readonly droppedBytes: number;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a proxy to 127.0.0.1:`targetPort` on a free port, in `forward` mode.
 * @example const proxy = await startTcpProxy(redis.port); const client = new Redis({ port: proxy.port }); proxy.setMode('drop-replies');
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  let droppedBytes = 0;
  let trigger: ((chunk: string) => boolean) | undefined;
  let armedFor = 0;
  let accepted = 0;
  const pairs = new Set<{ client: Socket; server: Socket; mode: ProxyMode; held: { toServer: Buffer[]; toClient: Buffer[] } }>();

  const flush = () => {
    for (const pair of pairs) {
      for (const chunk of pair.held.toServer.splice(0)) pair.server.write(chunk);
      for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
    }
  };

  const server = createServer((client) => {
    accepted++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const pair = { client, server: upstream, mode, held: { toServer: [] as Buffer[], toClient: [] as Buffer[] } };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (pair.mode === 'stall') return void pair.held.toServer.push(chunk);
      if (pair.mode !== 'drop-replies' && trigger?.(chunk.toString('latin1'))) {
        if (--armedFor === 0) trigger = undefined;
        pair.mode = 'drop-replies';
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.mode === 'stall') pair.held.toClient.push(chunk);
      else if (pair.mode === 'drop-replies') droppedBytes += chunk.length;
      else client.write(chunk);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    port,
    setMode(next, which = 'all') {
      if (which === 'all') mode = next;
      for (const pair of pairs) pair.mode = next;
      if (next === 'forward') flush();
    },
    resetConnections() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      pairs.clear();
    },
    get accepted() {
      return accepted;
    },
    dropRepliesAfter(match, connections = 1) {
      trigger = match;
      armedFor = connections;
    },
    get droppedBytes() {
      return droppedBytes;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
