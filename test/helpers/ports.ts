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
