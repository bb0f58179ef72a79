/**
 * What `sse-chaos init` writes, as pure functions of the answers: the target file, the config that
 * points at it, a GitHub workflow that runs the action shipped in the installed package, and the
 * .gitignore line for the reports.
 */
import type { TargetSpecInput } from '../topology/target.ts';

export interface TargetAnswers {
  /** argv of the command that starts the server, or undefined with `url`. */
  command?: string[];
  url?: string;
  streamPath: string;
  readyPath: string;
  publishPath: string;
  /** The publish body template (a JSON value). */
  publishBody: unknown;
  idPath: string;
  heartbeatMs: number;
  retryBaseMs?: number;
  retryJitterMs?: number;
  retentionEvents?: number;
  retentionMs?: number;
  durable?: boolean;
  shutdownGraceMs?: number;
}

export const FILES = {
  config: 'sse-chaos.config.ts',
  target: 'sse-chaos.target.json',
  workflow: '.github/workflows/sse-chaos.yml',
  gitignore: '.gitignore',
} as const;

/** Where runs write their reports (the CLI's default out folder). */
export const REPORTS_IGNORE = 'reports/out/';

export const DEFAULT_PUBLISH_BODY = { topic: '{{topic}}', event: '{{event}}', data: '{{data}}' };

export function targetSpec(a: TargetAnswers): TargetSpecInput {
  const declares = {
    heartbeatMs: a.heartbeatMs,
    ...(a.retryBaseMs !== undefined
      ? { retry: { baseMs: a.retryBaseMs, jitterMs: a.retryJitterMs ?? 0 } }
      : {}),
    ...(a.retentionEvents !== undefined || a.retentionMs !== undefined
      ? {
          retention: {
            ...(a.retentionEvents !== undefined ? { events: a.retentionEvents } : {}),
            ...(a.retentionMs !== undefined ? { ms: a.retentionMs } : {}),
          },
        }
      : {}),
    durable: a.durable ?? false,
    ...(a.shutdownGraceMs !== undefined ? { shutdownGraceMs: a.shutdownGraceMs } : {}),
  };
  const common = {
    streamPath: a.streamPath,
    publish: { path: a.publishPath, bodyTemplate: a.publishBody, idPath: a.idPath },
    declares,
  };
  return a.command
    ? { kind: 'command', command: a.command, readyPath: a.readyPath, ...common }
    : { kind: 'url', baseUrl: a.url!, readyPath: a.readyPath, ...common };
}

export function configSource(): string {
  return `import { defineConfig } from 'sse-chaos';

// sse-chaos starts the server described in ${FILES.target} behind real nginx and toxiproxy, drives
// reconnecting subscribers through them, injects faults and judges the run against SLOs.
// \`npx sse-chaos --list\` shows the scenarios; command-line flags override this file.
export default defineConfig({
  target: './${FILES.target}',
  // slos: { 'latency-p99': 500 },
  // scenarios: [defineScenario({ ... })],  // your own, next to the built-in suite
});
`;
}

/** Pinned like this repository's own workflows: a full commit SHA, the version in a comment. */
const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
const SETUP_NODE = 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0';

export function workflowSource(opts: { hasLockfile: boolean }): string {
  return `# Chaos-tests the SSE service on every pull request and push to main (sse-chaos). The action comes
# from the installed package (node_modules/sse-chaos), so its version is the one package-lock pins.
name: sse-chaos

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

concurrency:
  group: \${{ github.workflow }}-\${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: true

jobs:
  sse-chaos:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: read
      checks: write # the JUnit results become a check run
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${SETUP_NODE}
        with:
          node-version: 22${opts.hasLockfile ? '\n          cache: npm' : ''}
      - run: ${opts.hasLockfile ? 'npm ci' : 'npm install'}
      - uses: ./node_modules/sse-chaos
        with:
          config: ${FILES.config}
`;
}

/** The .gitignore text with the reports line added (unchanged when it is there already). */
export function withIgnoreLine(existing: string | undefined): string | undefined {
  const lines = (existing ?? '').split('\n').map((l) => l.trim());
  if (lines.includes(REPORTS_IGNORE) || lines.includes(REPORTS_IGNORE.replace(/\/$/, ''))) return undefined;
  const base =
    existing === undefined || existing === '' ? '' : existing.endsWith('\n') ? existing : `${existing}\n`;
  return `${base}# sse-chaos reports\n${REPORTS_IGNORE}\n`;
}
