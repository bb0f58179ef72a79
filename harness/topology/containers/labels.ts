/**
 * Labels on everything the containers runtime creates. Ryuk (testcontainers' reaper) cannot run
 * without a registry, so cleanup is ours: a run's containers and network carry its run id and owner,
 * and a sweep by label removes them (on stop, from the owner's sweeper when it dies, and at the next
 * start for owners that died with their sweeper).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const LABEL = {
  /** Every container/network of one stack. */
  run: 'org.sse-chaos.run',
  /** `host:pid` of the process that owns the run (stale-owner sweep). */
  owner: 'org.sse-chaos.owner',
  /** What a container is in the stack: toxiproxy, nginx, sshd, target. */
  role: 'org.sse-chaos.role',
  /** On images: which image (base, nginx, toxiproxy, sshd, node, server). */
  image: 'org.sse-chaos.image',
  /** On images: the content hash of the inputs (also the tag). */
  inputs: 'org.sse-chaos.inputs',
  /** On images: the pinned version of what the image runs. */
  version: 'org.sse-chaos.version',
  /** On images: "local" (built here) or "official" (pulled). */
  source: 'org.sse-chaos.source',
} as const;

/** A fresh run id: short, unique enough for one engine, safe in names and labels. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** This process as a label value. */
export function ownerId(pid = process.pid, host = hostname()): string {
  return `${host}:${pid}`;
}

/** `host:pid` -> its parts, or undefined for a malformed value. */
export function parseOwner(value: string | undefined): { host: string; pid: number } | undefined {
  if (!value) return undefined;
  const at = value.lastIndexOf(':');
  const pid = Number(value.slice(at + 1));
  if (at <= 0 || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { host: value.slice(0, at), pid };
}

/** Labels for one container or network of a run. */
export function runLabels(runId: string, role: string, owner = ownerId()): Record<string, string> {
  return { [LABEL.run]: runId, [LABEL.owner]: owner, [LABEL.role]: role };
}
