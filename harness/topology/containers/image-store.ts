/**
 * Image operations on the engine (through the dockerode instance testcontainers already holds, so
 * both agree on which engine): exists, build, tag, pull. Builds use the classic builder API, which
 * Docker 20.10 and newer all accept and which needs no BuildKit frontend image from a registry.
 * Unlike testcontainers' own build helper, a failed step is an error here (with the build's output).
 */
import type Dockerode from 'dockerode';
import { loadTestcontainers } from './testcontainers-env.ts';
import { lastLines } from './command.ts';

export type Docker = Dockerode;

/** The engine client testcontainers resolved (DOCKER_HOST, the usual sockets, ~/.testcontainers.properties). */
export async function dockerClient(): Promise<Docker> {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  return (await getContainerRuntimeClient()).container.dockerode;
}

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
  /** Bytes of all layers (shared layers counted in every image). */
  size: number;
}

export async function inspectImage(docker: Docker, ref: string): Promise<ImageInfo | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, labels: info.Config?.Labels ?? {}, size: info.Size };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Waits for a build/pull stream; rejects with the step's error and the output's tail. */
function follow(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err || failure)
          reject(new Error(`${what} failed: ${failure ?? err?.message}\n${lastLines(output)}`));
        else resolve(output);
      },
      (event: ProgressEvent) => {
        if (event.stream) output += event.stream;
        else if (event.status) output += `${event.status}\n`;
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        if (output.length > 1 << 20) output = output.slice(-(1 << 20));
      },
    );
  });
}

export interface BuildSpec {
  /** Context folder and the entries in it to send (folders recurse). */
  context: string;
  src: string[];
  /** Dockerfile path inside the context. */
  dockerfile: string;
  tag: string;
  buildargs?: Record<string, string>;
  labels?: Record<string, string>;
}

export async function buildImage(docker: Docker, spec: BuildSpec): Promise<string> {
  const stream = await docker.buildImage(
    { context: spec.context, src: spec.src },
    {
      t: spec.tag,
      dockerfile: spec.dockerfile,
      buildargs: spec.buildargs ?? {},
      labels: spec.labels ?? {},
      rm: true,
      forcerm: true,
      pull: false,
    },
  );
  return follow(docker, stream, `building ${spec.tag}`);
}

/** Adds `ref` as another name of `source` (e.g. the `:current` alias compose uses). */
export async function tagImage(docker: Docker, source: string, ref: string): Promise<void> {
  const at = ref.lastIndexOf(':');
  await docker.getImage(source).tag({ repo: ref.slice(0, at), tag: ref.slice(at + 1) });
}

export async function pullImage(docker: Docker, ref: string): Promise<void> {
  const stream = (await docker.pull(ref)) as NodeJS.ReadableStream;
  await follow(docker, stream, `pulling ${ref}`);
}

/** The engine address dockerode uses, for the sweeper (undefined for TLS endpoints). */
export function endpointOf(
  docker: Docker,
): { socketPath: string } | { host: string; port: number } | undefined {
  const modem = docker.modem as {
    socketPath?: string;
    host?: string;
    port?: number | string;
    protocol?: string;
  };
  if (modem.socketPath) return { socketPath: modem.socketPath };
  if (modem.host && modem.protocol !== 'https') return { host: modem.host, port: Number(modem.port ?? 2375) };
  return undefined;
}
