import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that a test puts between the server and MariaDB or
 * Redis, and then breaks on purpose. Two kinds of outage, because clients meet
 * both in production:
 * - `cut()`: every open connection is dropped and new ones are closed at once,
 *   as when the database host restarts or a firewall rejects (fast failures).
 * - `blackhole()`: connections are accepted and open ones kept, but no byte is
 *   forwarded either way, as when a network partition drops packets: only the
 *   client's own timeouts end the wait.
 * `restore()` forwards again; blackholed connections are reset then, since the
 * bytes they lost mean neither side can trust them.
 */
export interface TcpProxy {
  readonly port: number;
  /** `127.0.0.1:port`, to put in a URL in place of the upstream's address. */
  readonly address: string;
  cut(): void;
  blackhole(): void;
  restore(): void;
  /** Connections accepted so far (a reconnecting client opens new ones). */
  readonly accepted: number;
  close(): Promise<void>;
}

type Mode = 'forward' | 'cut' | 'blackhole';

export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'forward';
  let accepted = 0;
  const open = new Set<Socket>();

  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // A reset peer is the point of these tests, not a failure of the proxy.
    socket.on('error', () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    accepted += 1;
    track(client);
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') {
      client.pause();
      return;
    }
    const target = connect(upstream.port, upstream.host);
    track(target);
    // Forward only while in `forward` mode; a write in any other mode is dropped.
    client.on('data', (chunk) => {
      if (mode === 'forward') target.write(chunk);
    });
    target.on('data', (chunk) => {
      if (mode === 'forward') client.write(chunk);
    });
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  // destroy(), not resetAndDestroy(): an RST on a paused or still-connecting socket
  // left a libuv handle open that kept jest's process alive after the run.
  const resetAll = () => {
    for (const socket of [...open]) socket.destroy();
  };

  return {
    port,
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    cut() {
      mode = 'cut';
      resetAll();
    },
    blackhole() {
      mode = 'blackhole';
    },
    restore() {
      if (mode === 'blackhole') resetAll();
      mode = 'forward';
    },
    async close() {
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
