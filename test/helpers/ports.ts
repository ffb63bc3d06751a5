// Ports for what has to listen where a test says: nginx in front of the app, and a server restarted
// where an open page will look for it again.
import net from 'node:net';

/** A port the kernel just handed out and released: free unless something grabs it meanwhile. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether 127.0.0.1:`port` can be bound right now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports (a cluster's processes on PORT, PORT+1, …). */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    if (first + count - 1 > 65535) continue;
    let free = true;
    for (let port = first + 1; port < first + count && free; port++) free = await bindable(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
