/**
 * Binds the workload's PublishFn to a target: builds the request from the target spec (with a
 * harness-made id when the template asks for `{{id}}`) and reads the acknowledged id as the spec's
 * contract says (JSON path, text regex, header, or the status alone for an id of ours). Publishes go
 * direct to the target (urls.publish), never through the faulted proxies.
 */
import { idMaker, readAck, wantsId } from '../topology/publish-contract.ts';
import { buildPublishRequest, targetEndpoints, type TargetSpec } from '../topology/target.ts';
import type { PublishFn } from '../workload/publisher.ts';

export function publisherFor(spec: TargetSpec, baseUrl: string): PublishFn {
  const { publish } = targetEndpoints(spec);
  const nextId = wantsId(publish) ? idMaker(publish.idFormat) : undefined;
  return async ({ topic, data }, signal) => {
    const id = nextId?.();
    const req = buildPublishRequest(spec, baseUrl, { topic, data, ...(id ? { id } : {}) });
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    return readAck(spec, { status: res.status, headers: res.headers, text }, id);
  };
}
