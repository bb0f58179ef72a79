/**
 * Carries a port of this host into a run's container network: an sshd container on the network
 * (alias `HOST_ALIAS`) and a reverse SSH tunnel from us, so `HOST_ALIAS:PORT` inside the network is
 * `127.0.0.1:PORT` here. Same mechanism as testcontainers' `exposeHostPorts`, but one per run (its
 * helper is a process-wide singleton nobody removes once Ryuk is off), labelled with the run like
 * everything else, and safe when the target is down: testcontainers' forwarder has no error handler
 * on its host socket, so a refused connection (a target restarting) would crash the harness.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'ssh2';
import type { StartedTestContainer } from 'testcontainers';
import { loadTestcontainers } from './testcontainers-env.ts';

/** The name containers use for this host. */
export const HOST_ALIAS = 'host.sse-chaos.internal';

export interface HostTunnel {
  container: StartedTestContainer;
  /** Make `HOST_ALIAS:port` in the network reach `127.0.0.1:port` here. */
  expose(port: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * ssh2 comes with testcontainers (the optional peer), so it is loaded only when a tunnel is made:
 * loading the containers runtime must not fail before it can say what is missing.
 */
async function connectSsh(port: number, password: string): Promise<Client> {
  await loadTestcontainers();
  const { Client: SshClient } = await import('ssh2');
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'root', password, readyTimeout: 20_000 });
  });
}

export async function startHostTunnel(opts: {
  image: string;
  network: string;
  labels: Record<string, string>;
  logConsumer?: (stream: NodeJS.ReadableStream) => void;
}): Promise<HostTunnel> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const password = randomBytes(12).toString('hex');
  let builder = new GenericContainer(opts.image)
    .withNetworkMode(opts.network)
    .withNetworkAliases(HOST_ALIAS)
    .withExposedPorts(22)
    .withEnvironment({ PASSWORD: password })
    .withLabels(opts.labels)
    .withWaitStrategy(Wait.forLogMessage(/Server listening on/));
  if (opts.logConsumer) builder = builder.withLogConsumer(opts.logConsumer);
  const container = await builder.start();
  const sshPort = container.getMappedPort(22);

  // sshd logs "listening" a moment before it accepts logins under load: retry briefly.
  let client: Client | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 10 && !client; attempt++) {
    try {
      client = await connectSsh(sshPort, password);
    } catch (err) {
      lastError = err;
      await sleep(300);
    }
  }
  if (!client) {
    await container.stop().catch(() => {});
    throw new Error(`cannot log in to the tunnel's sshd: ${(lastError as Error)?.message}`);
  }
  const ssh = client;
  ssh.on('error', () => {}); // A dropped tunnel shows up as refused connections in the run, not a crash.
  ssh.on('tcp connection', (info, accept, reject) => {
    const socket = connect(info.destPort, '127.0.0.1');
    let accepted = false;
    socket.once('connect', () => {
      accepted = true;
      const channel = accept();
      channel.on('error', () => socket.destroy());
      channel.on('close', () => socket.destroy());
      socket.on('close', () => channel.close());
      channel.pipe(socket).pipe(channel);
    });
    // The target is down (restarting): refuse the channel; the container side sees the connection close.
    socket.on('error', () => {
      if (!accepted) reject();
    });
  });

  return {
    container,
    expose: (port) =>
      new Promise<void>((resolve, reject) => {
        ssh.forwardIn('0.0.0.0', port, (err) => (err ? reject(err) : resolve()));
      }),
    close: async () => {
      ssh.end();
      await container.stop().catch(() => {});
    },
  };
}
