# nginx from Debian 12 (nginx-light 1.22.1, the same build the local runtime runs), on the local base.
# The harness copies its rendered config in and starts `nginx -c CONF -g 'daemon off;'`.
ARG BASE
FROM ${BASE}
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
