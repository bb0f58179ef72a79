/**
 * Binds the workload's PublishFn to a target: builds the request from the target spec (with a
 * harness-made id when the template asks for `{{id}}`) and reads the acknowledged id as the spec's
 * contract says (JSON path, text regex, header, or the status alone for an id of ours). Publishes go
 * direct to the target (urls.publish), never through the faulted proxies.
 *
 * Several instances: publishes go to each in turn (every instance appends to the shared log, as
 * behind a load balancer), and one refused at connect (the instance is down: nothing reached it, so
 * nothing can land twice) is sent to the next instance instead. Any other failure is final.
 */
import { idMaker, readAck, wantsId } from '../topology/publish-contract.ts';
import { buildPublishRequest, targetEndpoints, type TargetSpec } from '../topology/target.ts';
import type { PublishFn } from '../workload/publisher.ts';

/** A connect that was refused: the request never reached the server. */
function refused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause;
  return cause?.code === 'ECONNREFUSED';
}

export function publisherFor(spec: TargetSpec, baseUrl: string | readonly string[]): PublishFn {
  const { publish } = targetEndpoints(spec);
  const nextId = wantsId(publish) ? idMaker(publish.idFormat) : undefined;
  const urls = typeof baseUrl === 'string' ? [baseUrl] : baseUrl;
  let turn = 0;
  return async ({ topic, data }, signal) => {
    const id = nextId?.();
    const first = turn++ % urls.length;
    for (let k = 0; ; k++) {
      const req = buildPublishRequest(spec, urls[(first + k) % urls.length]!, {
        topic,
        data,
        ...(id ? { id } : {}),
      });
      let res: Response;
      try {
        res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
      } catch (err) {
        if (k + 1 < urls.length && refused(err)) continue;
        throw err;
      }
      const text = await res.text();
      if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      return readAck(spec, { status: res.status, headers: res.headers, text }, id);
    }
  };
}
