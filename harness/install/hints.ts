/**
 * What to type when `sse-chaos install` could not provide a tool itself: the system package
 * commands per platform and the manual toxiproxy build. Pure, so every line is testable.
 */
import { TOXIPROXY_MODULE, TOXIPROXY_VERSION } from '../topology/tool-cache.ts';

export type Tool = 'nginx' | 'haproxy' | 'caddy' | 'toxiproxy' | 'chromium';

/** The `go install` that builds the pinned toxiproxy-server (the binary is named `server`). */
export function goInstallArgs(): string[] {
  return [
    'install',
    '-ldflags',
    `-X ${TOXIPROXY_MODULE}.Version=${TOXIPROXY_VERSION}`,
    `${TOXIPROXY_MODULE}/cmd/server@v${TOXIPROXY_VERSION}`,
  ];
}

export function installHint(tool: Tool, toxiproxyPath: string): string {
  switch (tool) {
    case 'nginx':
      return [
        'nginx was not found (SSE_CHAOS_NGINX, PATH, /usr/sbin). `npx sse-chaos install --with-deps` installs it',
        'with the system package manager (apt-get, as root or through sudo; brew on macOS); or by hand:',
        '  Debian/Ubuntu: sudo apt-get install -y nginx-light   (or nginx)',
        '  Fedora/RHEL:   sudo dnf install -y nginx',
        '  macOS:         brew install nginx',
        '  or point SSE_CHAOS_NGINX at an nginx binary.',
      ].join('\n');
    case 'haproxy':
    case 'caddy':
      return [
        `${tool} was not found (SSE_CHAOS_${tool.toUpperCase()}, PATH, /usr/sbin, /usr/bin). ` +
          `\`npx sse-chaos install --with-deps --proxy ${tool}\` installs it`,
        'with the system package manager (apt-get, as root or through sudo; brew on macOS); or by hand:',
        `  Debian/Ubuntu: sudo apt-get install -y ${tool}`,
        `  Fedora/RHEL:   sudo dnf install -y ${tool}`,
        `  macOS:         brew install ${tool}`,
        `  or point SSE_CHAOS_${tool.toUpperCase()} at a ${tool} binary.`,
      ].join('\n');
    case 'toxiproxy': {
      const dir = toxiproxyPath.replace(/\/toxiproxy-server$/, '');
      return [
        `toxiproxy-server v${TOXIPROXY_VERSION} was not found (SSE_CHAOS_TOXIPROXY, PATH, ${toxiproxyPath}) and could not be built.`,
        `  \`npx sse-chaos install\` builds it with Go >= 1.23 (https://go.dev/dl). By hand:`,
        `  GOBIN=${dir} go install -ldflags "-X ${TOXIPROXY_MODULE}.Version=${TOXIPROXY_VERSION}" ${TOXIPROXY_MODULE}/cmd/server@v${TOXIPROXY_VERSION}`,
        `    then: mv ${dir}/server ${toxiproxyPath}`,
        `  or download: curl -fsSL -o ${toxiproxyPath} https://github.com/Shopify/toxiproxy/releases/download/v${TOXIPROXY_VERSION}/toxiproxy-server-linux-amd64 && chmod +x ${toxiproxyPath}`,
        '    (-linux-arm64, -darwin-arm64, -darwin-amd64 for other platforms)',
        `  or point SSE_CHAOS_TOXIPROXY at a toxiproxy-server v${TOXIPROXY_VERSION} binary.`,
      ].join('\n');
    }
    case 'chromium':
      return [
        'chromium was not found (browser subscribers and the report browser test need it).',
        '`npx sse-chaos install --with-deps --browser` installs it with the system package manager; or by hand:',
        '  Debian/Ubuntu: sudo apt-get install -y chromium   (Ubuntu: chromium-browser)',
        '  Fedora/RHEL:   sudo dnf install -y chromium',
        '  macOS:         brew install --cask chromium',
        '  or point SSE_CHAOS_CHROMIUM at a Chromium/Chrome binary.',
      ].join('\n');
  }
}
