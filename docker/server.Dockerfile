# The reference SSE server, as compiled JavaScript (no TypeScript loader at run time). Build from the
# repository root after `npm run build` (which writes dist/server):
#   npm run build && docker build -f docker/server.Dockerfile -t sse-chaos-server .
#   docker run --rm -p 127.0.0.1:8080:8080 -v sse-data:/data sse-chaos-server --log file --log-path /data/events.journal
# Arguments after the image name are server flags (see `--help`). Set the port with SSE_PORT (not
# --port) if you change it, so the HEALTHCHECK below probes the right one.
# No `# syntax=` line and nothing BuildKit-only: it builds with the classic builder too, and needs no
# registry when NODE_IMAGE is a local image (the harness's image builder passes
# NODE_IMAGE=sse-chaos/node:<hash>, made from this machine's node on a local Debian base).

ARG NODE_IMAGE=node:20.20-bookworm-slim

# Stage 1: production dependencies from the lockfile (no dev tools, no install scripts). A context
# that brings them already installed in prod-deps/node_modules (the local image builder prepares
# them with `npm ci --omit=dev` on the host, where npm is configured) is taken as is; otherwise npm
# installs them here. The `[s]` glob makes prod-deps optional (.dockerignore keeps node_modules out).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json prod-dep[s] ./
RUN if [ -d node_modules ]; then echo "using the prepared node_modules"; \
    else npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force; fi

# Stage 2: runtime: node_modules, package.json and the compiled server only, as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
# SSE_GRACE_MS stays below Docker's default 10 s stop timeout, so SIGKILL never cuts the shutdown.
ENV NODE_ENV=production \
    SSE_HOST=0.0.0.0 \
    SSE_PORT=8080 \
    SSE_GRACE_MS=8000
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root dist/server ./server
# The file log lives in /data; a named volume mounted there inherits this ownership.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SSE_PORT || '8080') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 (no npm/npx wrapper) so SIGTERM reaches the server's handler directly.
ENTRYPOINT ["node", "server/main.js"]
