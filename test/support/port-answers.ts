import net from 'node:net';

/** Whether something accepts a TCP connection on 127.0.0.1:`port` now: the simulated PLC's ports during and after an outage. */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
