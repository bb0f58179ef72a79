/**
 * What a process layout (fd-preflight.ts) changes in a run: nginx's worker count and connections for
 * a fleet spread over several workers, and a line for the report saying how the stack was split.
 */
import type { ProfileParams } from '../topology/nginx-profiles.ts';
import { FD_HEADROOM, NGINX_WORKER_SLACK, RECONNECT_OVERLAP, type ProcessLayout } from './fd-preflight.ts';

/**
 * The plan's nginx parameters for this layout: unchanged with one worker (profiles such as
 * `low-worker-connections` mean exactly what they say); with several, `worker_processes` and enough
 * `worker_connections` per worker for its share (2 per stream, with the same slack the preflight allows).
 */
export function sizedProfileParams(
  params: ProfileParams,
  layout: ProcessLayout,
  streams: number,
): ProfileParams {
  if (layout.nginxWorkers <= 1) return params;
  const share = Math.ceil(((streams * RECONNECT_OVERLAP) / layout.nginxWorkers) * NGINX_WORKER_SLACK);
  return {
    ...params,
    workerProcesses: layout.nginxWorkers,
    workerConnections: Math.max(params.workerConnections ?? 1024, 2 * share + FD_HEADROOM),
  };
}

/** One line for the report when the stack was split over processes; undefined for the plain layout. */
export function layoutNote(layout: ProcessLayout, streams: number): string | undefined {
  if (layout.toxiproxy <= 1 && layout.nginxWorkers <= 1 && layout.fleet <= 1) return undefined;
  const n = streams.toLocaleString('en');
  return (
    `${n} streams laid out over ${layout.toxiproxy} toxiproxy-server process(es) (every leg on each, ` +
    `faults fan out to all), ${layout.nginxWorkers} nginx worker(s) and ${layout.fleet} fleet process(es), ` +
    'so that no process needs more open files than the limit allows'
  );
}
