# toxiproxy-server v2.12.0, the binary `node scripts/setup.mjs` builds with `go install` into
# .tools/bin, on the local base. Same entrypoint and default command as ghcr.io/shopify/toxiproxy.
ARG BASE
FROM ${BASE}
COPY toxiproxy-server /usr/local/bin/toxiproxy-server
EXPOSE 8474
ENTRYPOINT ["/usr/local/bin/toxiproxy-server"]
CMD ["-host=0.0.0.0"]
