/**
 * Binds the workload's PublishFn to a target: builds the request from the target spec and reads
 * the acknowledged id from the response. Publishes go direct to the target (urls.publish), never
 * through the faulted proxies.
 */
import { buildPublishRequest, extractAckId, type TargetSpec } from '../topology/target.ts';
import type { PublishFn } from '../workload/publisher.ts';

export function publisherFor(spec: TargetSpec, baseUrl: string): PublishFn {
  return async ({ topic, data }, signal) => {
    const req = buildPublishRequest(spec, baseUrl, { topic, data });
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    return extractAckId(spec, JSON.parse(text));
  };
}
