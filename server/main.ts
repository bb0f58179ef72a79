/**
 * Command-line entry point: `npx tsx server/main.ts [flags]` (or `npm run server -- [flags]`).
 * Flags, exit codes and the `listening` line: cli.ts.
 */
import { runCli } from './cli.ts';

await runCli(process.argv.slice(2), process.env);
