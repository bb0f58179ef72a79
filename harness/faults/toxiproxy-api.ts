/**
 * The few toxiproxy HTTP calls the nemesis makes, each with a timeout. toxiproxy-node-client has
 * no timeout, and toxiproxy's API can hang while removing toxics from connections whose readers
 * stopped (toxiproxy issues #500 and #558): a fault must never hang the runner, so every call here
 * is bounded and a timeout surfaces as an error the nemesis records on the fault window.
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

export function toxiproxyApi(baseUrl: string, timeoutMs = 5000): ToxiproxyApi {
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
