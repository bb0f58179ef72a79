# The image the shard and merge Jobs run: your project (with sse-chaos as a dev dependency), Node,
# nginx and toxiproxy-server v2.12.0 built from source (sse-chaos install does both).
FROM node:22-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nginx-light golang-go ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /work
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx sse-chaos install
