import net from 'node:net';

/**
 * A TCP proxy the test controls, to cut a real connection (as a network failure would) and restore it,
 * without touching the server behind it.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private accepting = true;
  private blackHoled = false;
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      if (!this.accepting) { client.destroy(); return; }
      const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      // Forward by hand, so a black hole can swallow bytes while both connections stay open.
      client.on('data', (data: Buffer) => { if (!this.blackHoled) upstream.write(data); });
      upstream.on('data', (data: Buffer) => { if (!this.blackHoled) client.write(data); });
    });
  }

  start(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.port = (this.server.address() as net.AddressInfo).port;
      resolve(this.port);
    }));
  }

  /** Drops every open connection and refuses new ones until `restore`. */
  cut(): void {
    this.accepting = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.accepting = true;
    if (this.blackHoled) {
      // Bytes were swallowed on these connections: their protocol state is lost for good.
      for (const socket of this.sockets) socket.destroy();
      this.blackHoled = false;
    }
  }

  /**
   * A half-open link: connections stay open and new ones are accepted, but nothing gets through either way and no
   * reset ever comes (a route black-holed, a firewall that lost its state). `restore` ends it and drops the
   * connections that lost bytes meanwhile.
   */
  blackHole(): void {
    this.blackHoled = true;
  }

  stop(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
