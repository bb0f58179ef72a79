/**
 * The few toxiproxy HTTP calls the nemesis makes, each with a timeout. toxiproxy-node-client has
 * no timeout, and toxiproxy's API can hang while removing toxics from connections whose readers
 * stopped (toxiproxy issues #500 and #558): a fault must never hang the runner, so every call here
 * is bounded and a timeout surfaces as an error the nemesis records on the fault window.
 *
 * A large stack runs several toxiproxy-server processes (the open-file limit binds per process), each
 * holding every leg for its share of the fleet. A leg is still one name: every call fans out to all
 * of them, and a toxic that could not be added everywhere is removed again where it was, so a fault
 * acts on the whole leg or fails.
 */

export interface ToxicBody {
  name: string;
  type: 'latency' | 'bandwidth' | 'timeout' | 'slicer' | 'limit_data' | 'reset_peer' | 'slow_close';
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

export interface ToxiproxyApi {
  addToxic(proxy: string, toxic: ToxicBody): Promise<void>;
  removeToxic(proxy: string, toxic: string): Promise<void>;
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
}

/** The API of one toxiproxy-server, or a fan-out over several (`baseUrl` a list). */
export function toxiproxyApi(baseUrl: string | readonly string[], timeoutMs = 5000): ToxiproxyApi {
  if (typeof baseUrl !== 'string') {
    if (baseUrl.length === 0) throw new Error('toxiproxyApi: no toxiproxy API URL given');
    if (baseUrl.length === 1) return single(baseUrl[0]!, timeoutMs);
    return fanOut(
      baseUrl.map((u) => single(u, timeoutMs)),
      baseUrl,
    );
  }
  return single(baseUrl, timeoutMs);
}

function single(baseUrl: string, timeoutMs: number): ToxiproxyApi {
  const base = baseUrl.replace(/\/$/, '');
  async function call(method: string, path: string, body?: unknown): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'user-agent': 'sse-chaos' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Error(`toxiproxy ${method} ${path}: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (res.status >= 300) throw new Error(`toxiproxy ${method} ${path}: HTTP ${res.status} ${text.trim()}`);
  }
  return {
    addToxic: (proxy, toxic) => call('POST', `/proxies/${proxy}/toxics`, toxic),
    removeToxic: (proxy, toxic) => call('DELETE', `/proxies/${proxy}/toxics/${toxic}`),
    setEnabled: (proxy, enabled) => call('PATCH', `/proxies/${proxy}`, { enabled }),
  };
}

/** Runs `call` on every shard; throws one error naming each shard that failed. */
async function everywhere(
  apis: readonly ToxiproxyApi[],
  urls: readonly string[],
  call: (api: ToxiproxyApi) => Promise<void>,
): Promise<void> {
  const settled = await Promise.allSettled(apis.map(call));
  const failed = settled.flatMap((r, i) =>
    r.status === 'rejected' ? [`${urls[i]}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : [],
  );
  if (failed.length > 0) {
    const ok = settled.map((r) => r.status === 'fulfilled');
    throw Object.assign(
      new Error(`${failed.length} of ${apis.length} toxiproxy processes failed: ${failed.join('; ')}`),
      { ok },
    );
  }
}

function fanOut(apis: readonly ToxiproxyApi[], urls: readonly string[]): ToxiproxyApi {
  return {
    async addToxic(proxy, toxic) {
      try {
        await everywhere(apis, urls, (a) => a.addToxic(proxy, toxic));
      } catch (err) {
        // Half a leg is no fault: take the toxic off the shards that took it, then report.
        const ok = (err as { ok?: boolean[] }).ok ?? [];
        await Promise.allSettled(apis.map((a, i) => (ok[i] ? a.removeToxic(proxy, toxic.name) : undefined)));
        throw err;
      }
    },
    async removeToxic(proxy, toxic) {
      await everywhere(apis, urls, (a) => a.removeToxic(proxy, toxic));
    },
    async setEnabled(proxy, enabled) {
      await everywhere(apis, urls, (a) => a.setEnabled(proxy, enabled));
    },
  };
}
