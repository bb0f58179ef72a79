/**
 * The part of `sse-chaos --help` that commander cannot derive from the options: the exit-code
 * contract CI gates on, the environment variables, the config file and the target file format.
 */
export const HELP_AFTER = `
Commands: run (the default), install, init, report, merge, zoo. \`sse-chaos <command> --help\` for each.

A run spread over machines: on each, at about the same time, against one url target,
  sse-chaos --scenario scale --target target.json --shard I/N --run-id ID --out shard-I
then \`sse-chaos merge shard-0 ... shard-N-1 --out DIR\` judges them as one run (deploy/README.md).

Exit codes:
  0    every scenario behaved as expected (install: everything is present)
  1    an SLO verdict was not as expected (a scenario that should pass failed, or an expected
       violation was not detected)
  2    usage or configuration error (a flag, the config file, the target file)
  3    infrastructure error: a component would not start, the cause and its last output lines are
       printed (install: something could not be provided)
  130  interrupted (Ctrl-C); every process started is stopped

Environment:
  SSE_CHAOS_RUNTIME     local | containers | auto (default): where nginx and toxiproxy run; auto
                        uses containers when a Docker engine answers and testcontainers is installed
  SSE_CHAOS_CACHE_DIR   where \`install\` builds toxiproxy-server (default ~/.cache/sse-chaos,
                        ~/Library/Caches/sse-chaos on macOS); outside node_modules, survives npm ci
  SSE_CHAOS_NGINX, SSE_CHAOS_HAPROXY, SSE_CHAOS_CADDY, SSE_CHAOS_TOXIPROXY, SSE_CHAOS_CHROMIUM,
  SSE_CHAOS_REDIS       use this binary instead of searching PATH and the cache (redis-server: the
                        cluster suite's shared log)
  CI                    plain progress lines instead of a live line

Config: ./sse-chaos.config.ts (.mts, .cts, .js, .mjs, .cjs; or --config FILE), in any project type:
  import { defineConfig } from 'sse-chaos';
  export default defineConfig({ target: './sse-chaos.target.json', slos: { 'latency-p99': 500 } });

Targets (--target, or "target" in the config):
  zoo:NAME    a defect zoo member: the reference server with one real-world defect
  FILE.json   your server, started by a command ({port} and env PORT carry the port chosen for it,
              {host} and env HOST the address to listen on):
    { "kind": "command", "command": ["node", "server.js", "--port", "{port}"], "readyPath": "/health",
      "streamPath": "/events",
      "publish": { "path": "/publish", "bodyTemplate": { "topic": "{{topic}}", "data": "{{data}}" },
                   "idPath": "id" },
      "declares": { "heartbeatMs": 15000, "retry": { "baseMs": 3000, "jitterMs": 1000 },
                    "retention": { "events": 10000 }, "durable": false, "shutdownGraceMs": 5000 } }
  or one already running: { "kind": "url", "baseUrl": "http://127.0.0.1:9000", ... the same keys },
    with "control": { "stop": "docker stop app", "kill": "docker kill app", "start": "docker start app" }
    (or "restart": "systemctl restart app"; each a shell line or argv, "timeoutMs" each or for all) so
    the scenarios that stop or crash the target run against it; "readyTimeoutMs" bounds readyPath.
  publish also takes "encoding": "json" | "form" | "text", a harness-made "{{id}}" ("idFormat":
  "evt-{{seq}}", default "{{uuid}}"), and "ack": { "from": "json", "path" } | { "from": "text", "regex" }
  | { "from": "header", "name" } | { "from": "status" } (the id was ours).
  declares.heartbeatMs is required; what is not declared is not assumed, and scenarios that need it
  are skipped. \`sse-chaos init\` writes one for you.

Suites beyond the default (--suite): cluster (two instances of the reference server or a zoo member
  on a Redis log the stack starts; local runtime, redis-server), network (faults below TCP on a target
  in its own network namespace; local runtime, root, iproute2 + nftables, netem where the kernel has
  it). What a machine lacks is a skipped scenario with the reason, never an error.

Proxies (--proxy nginx|haproxy|caddy, repeatable for a matrix; --list shows every profile):
  --nginx-config FILE, --haproxy-config FILE, --caddy-config FILE run your own config in place of the
  good profile; placeholders {{upstream}}, {{listen}}, {{probe}} (and {{tempDir}} for nginx). It goes
  through the proxy's syntax check first: a bad one exits 2 quoting the proxy at your line.
`;
