/**
 * Runs lintWorkflow (or lintAction for `kind: "action"`) over files given on stdin as JSON
 * `[{ name, content, kind? }]` and prints
 * `[[problem, ...], ...]`. Exists because @actions/workflow-parser imports its schema JSON without
 * an import attribute, which Node's native loader (used by vitest for node_modules) rejects; tsx
 * (and bundlers) load it fine. Run: node --import tsx test/github/lint-workflows-cli.ts < files.json
 */
import { text } from 'node:stream/consumers';
import { lintAction, lintWorkflow } from './workflow-lint.ts';

const files = JSON.parse(await text(process.stdin)) as { name: string; content: string; kind?: 'action' }[];
const out: string[][] = [];
for (const f of files)
  out.push(f.kind === 'action' ? lintAction(f.name, f.content) : await lintWorkflow(f.name, f.content));
process.stdout.write(JSON.stringify(out));
