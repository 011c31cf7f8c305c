import net from 'node:net';

/**
 * A TCP proxy the test controls, to cut a real connection (as a network failure would) and restore it,
 * without touching the server behind it.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private accepting = true;
  private silent = false;
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      if (!this.accepting) { client.destroy(); return; }
      if (this.silent) { this.sockets.add(client); client.on('close', () => this.sockets.delete(client)); client.on('error', () => undefined); return; }
      const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
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

  /**
   * A link that goes silent without a reset (a WAN drop, a pulled cable): open connections stay open but carry
   * nothing, new ones are accepted and never answered, so only keep-alives and timeouts can tell.
   */
  blackhole(): void {
    this.silent = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  restore(): void {
    if (this.silent) {
      // What was held open during the silence is dead for both ends by now.
      for (const socket of this.sockets) socket.destroy();
      this.silent = false;
    }
    this.accepting = true;
  }

  stop(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
