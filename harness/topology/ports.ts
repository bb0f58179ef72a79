/** Free loopback ports chosen by the OS (listen on port 0), never guessed. */
import { createServer } from 'node:net';

/**
 * A port that was free a moment ago. Binding it is still a race with other processes, so callers
 * that hand it to a child (nginx, toxiproxy) retry with a new port when the child reports EADDRINUSE.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error(`could not read a free port on ${host}`))));
    });
  });
}

/** True when a child's log says its listen address was taken (worth retrying on another port). */
export function looksLikePortClash(log: string): boolean {
  return /address already in use|EADDRINUSE|bind\(\) to .* failed \(98/i.test(log);
}
