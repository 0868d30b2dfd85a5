import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test can cut and restore: the machine's Postgres is shared, so an outage is
 * made here, for the process under test only, instead of stopping the real server.
 */
export interface TcpProxy {
  port: number;
  /** Refuses new connections and drops the open ones, as a Postgres that went away. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `onClientData`, when given, sees each chunk the client sends before Postgres does; answering
 * true drops it, for a test that cuts the connection at a chosen message.
 */
export async function startTcpProxy(targetPort: number, port = 0, onClientData?: (chunk: Buffer, proxy: TcpProxy) => boolean): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        if (onClientData) {
          client.on('data', (chunk: Buffer) => void (onClientData(chunk, proxy) || upstream.write(chunk)));
          upstream.pipe(client);
        } else client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(p, '127.0.0.1', () => {
        server = s;
        resolve((s.address() as { port: number }).port);
      });
    });
  const actual = await listen(port);
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const proxy: TcpProxy = {
    port: actual,
    cut: stop,
    restore: async () => void (server ? undefined : await listen(actual)),
    close: stop,
  };
  return proxy;
}
