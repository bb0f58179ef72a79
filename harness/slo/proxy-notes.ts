/**
 * Sentences that point a diagnosis at the proxy config's own directives (from the plan's proxy
 * facts): "your `proxy_read_timeout 30s` (line 12 of nginx.conf) is shorter than ...". Pure; empty
 * when the run has no facts (a built-in profile) or none applies.
 */
import type { ProxyDirective, ProxyFacts, TimedDirective } from '../topology/proxy-facts.ts';

const where = (f: ProxyFacts, d: ProxyDirective): string => `\`${d.text}\` (line ${d.line} of ${f.file})`;

const list = (f: ProxyFacts, ds: ProxyDirective[]): string => ds.map((d) => `your ${where(f, d)}`).join(', ');

/** The idle timeout that explains cuts after `silenceMs` of silence, against the declared heartbeat. */
export function idleCutNote(
  f: ProxyFacts | undefined,
  heartbeatMs: number,
  silenceMs: number | null,
): string {
  if (!f) return '';
  const ds = f.idleTimeouts;
  if (ds.length === 0) return f.defaults.length ? `In ${f.file}: ${f.defaults.join('; ')}. ` : '';
  const near = (d: TimedDirective): number => Math.abs(d.ms - (silenceMs ?? heartbeatMs));
  const best = [...ds].sort((a, b) => near(a) - near(b))[0]!;
  const shorter = best.ms < heartbeatMs;
  return (
    `Your ${where(f, best)} ` +
    (shorter
      ? `is shorter than the declared heartbeat (${heartbeatMs} ms)`
      : `leaves little room over the declared heartbeat (${heartbeatMs} ms)`) +
    (silenceMs !== null ? ` and matches the ~${Math.round(silenceMs)} ms of silence before each cut` : '') +
    `: raise it well above the heartbeat for the stream (or send heartbeats more often). `
  );
}

/** A deadline on the whole response that explains streams cut at one age. */
export function ageCutNote(f: ProxyFacts | undefined, ageMs: number | null): string {
  const d = f?.ageTimeouts[0];
  if (!f || !d) return '';
  return (
    `Your ${where(f, d)} is a deadline on the whole response` +
    (ageMs !== null ? `, matching the ~${Math.round(ageMs)} ms age of the cut streams` : '') +
    ": remove it for the stream route (or set it far above a stream's life). "
  );
}

/** Buffering and compression directives behind a buffered stream. */
export function bufferingNote(f: ProxyFacts | undefined, compressed: boolean): string {
  if (!f) return '';
  const parts: string[] = [];
  if (f.buffering.length) parts.push(`${list(f, f.buffering)} buffer the response`);
  if (f.compression.length && compressed) parts.push(`${list(f, f.compression)} compress text/event-stream`);
  const defaults = f.defaults.filter((d) => /buffer/.test(d));
  if (!f.buffering.length && defaults.length) parts.push(`in ${f.file}: ${defaults.join('; ')}`);
  return parts.length ? `${parts.join('; ')}. ` : '';
}
