#!/usr/bin/env node
// The `sse-chaos` bin. From the installed package it runs the compiled CLI (dist/) with plain Node;
// from a clone of the repository (the TypeScript sources are there) it runs them through tsx.
import { existsSync } from 'node:fs';

const source = new URL('../harness/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/harness/cli.js');
}
const code = await cli.main(process.argv.slice(2));
process.exitCode = code;
// A stray keep-alive socket must not keep a finished run alive (unref: never delays a clean exit).
setTimeout(() => process.exit(code), 2000).unref();
