/**
 * `node --import tsx zoo/main.ts --defect <name> [every flag of server/main.ts]`: the reference
 * server carrying one member's defect. Everything but the defect is server/main.ts's contract
 * (endpoints, flags, environment, the JSON `listening` line, exit codes: server/cli.ts); a missing
 * or unknown --defect is exit 2 with the list of members.
 */
import { runCli } from '../server/cli.ts';
import { createJsonLogger } from '../server/logger.ts';
import { parseZooArgs } from './args.ts';

const args = parseZooArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(args.text);
} else if (args.kind === 'error') {
  process.stderr.write(`sse-zoo: ${args.message}\n`);
  process.exitCode = 2;
} else {
  const { member, rest } = args;
  createJsonLogger().info('zoo member', { defect: member.name, summary: member.summary });
  await runCli(rest, process.env, { name: `sse-zoo (${member.name})`, create: member.build });
}
