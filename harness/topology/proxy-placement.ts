/**
 * Where a HAProxy or Caddy config runs (differs per stack, not per profile): the address it listens
 * on and the upstream it proxies to (the origin leg). Caddy also needs its admin endpoint, which is
 * how its config is reloaded.
 */
export interface ProxyPlacement {
  /** `127.0.0.1:PORT` */
  listen: string;
  /** The origin leg, `127.0.0.1:PORT`. */
  upstream: string;
  /**
   * Several instances of the target, each behind its own origin leg (the first is `upstream`): the
   * proxy balances over all of them and names the one that served each response in UPSTREAM_HEADER.
   */
  upstreams?: readonly string[];
  /** Caddy's admin API address, `127.0.0.1:PORT` (ignored by HAProxy). */
  admin: string;
}

/** What every rendered config answers on the generation probe, so a reload can be seen to be live. */
export interface RenderMeta {
  profile: string;
  generation: number;
}
