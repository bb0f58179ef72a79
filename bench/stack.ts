/** The real stack for the benchmarks that need it, and a plain publish call against its target. */
import { request } from 'undici';
import { encodePayload } from '../harness/history/payload.ts';
import { planLayout } from '../harness/run/fd-preflight.ts';
import { sizedProfileParams } from '../harness/run/layout.ts';
import { startTopology, type Topology } from '../harness/topology/index.ts';
import { readFdLimit } from './fd-limit.ts';

/**
 * Starts edge -> nginx(good) -> origin -> reference server, sized for `streams` concurrent streams
 * and laid out as the runner lays it out under this process's open-file limit: as many
 * toxiproxy-server processes and nginx workers as keep each one under it (`urls.streams` then lists
 * every toxiproxy's edge).
 */
export function startBenchStack(streams: number, heartbeatMs: number): Promise<Topology> {
  const layout = planLayout(streams, readFdLimit()?.hard, 'local', 1);
  // Each proxied stream costs nginx 2 connections; leave room for publishes and probes.
  const params = sizedProfileParams({ heartbeatMs, workerConnections: 2 * streams + 1024 }, layout, streams);
  return startTopology({
    profile: 'good',
    profileParams: params,
    target: { kind: 'reference', options: { heartbeatMs } },
    runtime: 'local',
    ...(layout.toxiproxy > 1 ? { toxiproxyProcesses: layout.toxiproxy } : {}),
  });
}

/** Every stream URL of a stack (one per toxiproxy process). */
export const streamUrls = (t: Topology): string[] => t.urls.streams ?? [t.urls.stream];

/** Publishes one workload event (seq + publish time) and waits for the acknowledgement. */
export async function publish(
  url: string,
  topic: string,
  seq: number,
  publishedAt: number,
  bytes = 100,
): Promise<void> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data: encodePayload({ seq, publishedAt, topic }, bytes) }),
  });
  const body = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`publish ${seq} to ${url} answered ${res.statusCode}: ${body.slice(0, 200)}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
