#!/usr/bin/env node
// The `sse-chaos` bin: registers tsx so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api';

register();
process.env.SSE_CHAOS_CLI = '1';
await import('../harness/cli.ts');
