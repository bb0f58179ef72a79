# The local base image: Debian 12 (bookworm, minbase) with Debian's nginx-light 1.22 and
# openssh-server, from a root filesystem made by mmdebstrap on this machine. No registry is
# needed: the build context is a folder holding rootfs.tar (see harness/topology/containers/base-rootfs.ts).
FROM scratch
ADD rootfs.tar /
CMD ["bash"]
