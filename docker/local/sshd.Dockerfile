# The SSH server that carries a host port into the container network (the harness's target runs on
# the host; containers reach it through a reverse tunnel). Same contract as testcontainers/sshd: the
# root password comes from $PASSWORD.
ARG BASE
FROM ${BASE}
EXPOSE 22
CMD ["sh", "-c", "echo \"root:$PASSWORD\" | chpasswd && mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -o PermitRootLogin=yes -o PasswordAuthentication=yes -o AddressFamily=inet -o GatewayPorts=yes -o AllowTcpForwarding=yes"]
