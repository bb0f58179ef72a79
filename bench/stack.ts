/** The real stack for the benchmarks that need it, and a plain publish call against its target. */
import { request } from 'undici';
import { encodePayload } from '../harness/history/payload.ts';
import { startTopology, type Topology } from '../harness/topology/index.ts';

/** Starts edge -> nginx(good) -> origin -> reference server, sized for `streams` concurrent streams. */
export function startBenchStack(streams: number, heartbeatMs: number): Promise<Topology> {
  return startTopology({
    profile: 'good',
    // Each proxied stream costs nginx 2 connections; leave room for publishes and probes.
    profileParams: { heartbeatMs, workerConnections: 2 * streams + 1024 },
    target: { kind: 'reference', options: { heartbeatMs } },
    runtime: 'local',
  });
}

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
