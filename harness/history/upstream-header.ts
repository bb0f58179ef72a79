/**
 * Which instance served a stream, for any server: the proxy in front of several instances names the
 * upstream it picked in this response header (nginx `$upstream_addr`, HAProxy `%si:%sp`, Caddy
 * `{http.reverse_proxy.upstream.hostport}`), the subscriber records it on its `response`, and the
 * stack's `instance` records map the address back to an instance name. A proxy header needs nothing
 * from the server under test, which is why it is the general choice over a server-sent header.
 */
export const UPSTREAM_HEADER = 'x-sse-chaos-upstream';

/**
 * The upstream that finally answered: nginx lists every upstream it tried (`a, b` after a retry on
 * the next one, `a : b` across internal redirects); the last one served the response.
 */
export function servingUpstream(value: string): string {
  const parts = value.split(/,\s*|\s+:\s+/);
  return (parts.at(-1) ?? '').trim();
}
