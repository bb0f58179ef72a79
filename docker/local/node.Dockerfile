# Node.js for the reference server image: this machine's own `node` binary (the version the harness
# runs, >= 20.18) on the local base, with the unprivileged `node` user (uid 1000) that
# docker/server.Dockerfile expects, as in the official node images.
ARG BASE
FROM ${BASE}
COPY node /usr/local/bin/node
RUN echo 'node:x:1000:1000::/home/node:/bin/sh' >> /etc/passwd \
 && echo 'node:x:1000:' >> /etc/group \
 && mkdir -p /home/node && chown node:node /home/node \
 && node --version
CMD ["node"]
