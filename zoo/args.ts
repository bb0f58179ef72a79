/**
 * zoo/main.ts's own argument: `--defect <name>` (or `--defect=<name>`), anywhere on the line. The
 * rest goes unchanged to the reference server's flag parser. Pure, so every message is unit-tested.
 */
import { helpText } from '../server/config.ts';
import { catalog, memberNames, type ZooMember } from './catalog.ts';

export type ZooArgs =
  | { kind: 'run'; member: ZooMember; rest: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

const MEMBERS_HINT = `members: ${memberNames.join(', ')} (see --help)`;

export function zooHelp(): string {
  const width = Math.max(...memberNames.map((n) => n.length)) + 2;
  const members = [...catalog.values()].map((m) => `  ${m.name.padEnd(width)}${m.summary}`).join('\n');
  return (
    'Usage: node --import tsx zoo/main.ts --defect <name> [server flags]\n\n' +
    'The reference SSE server carrying exactly one real-world defect, to prove that sse-chaos flags it.\n' +
    'Same endpoints, flags, environment variables, "listening" log line and exit codes as server/main.ts.\n\n' +
    `Members (--defect <name>):\n${members}\n\n` +
    `Server flags (as server/main.ts):\n${helpText()}`
  );
}

export function parseZooArgs(argv: readonly string[]): ZooArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: zooHelp() };
  const rest: string[] = [];
  const given: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--defect') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) {
        return { kind: 'error', message: `--defect needs a member name; ${MEMBERS_HINT}` };
      }
      given.push(value);
      i += 1;
    } else if (arg.startsWith('--defect=')) {
      given.push(arg.slice('--defect='.length));
    } else {
      rest.push(arg);
    }
  }
  if (given.length === 0) return { kind: 'error', message: `missing --defect <name>; ${MEMBERS_HINT}` };
  if (given.length > 1) {
    return { kind: 'error', message: `--defect given ${given.length} times (${given.join(', ')}); pick one` };
  }
  const member = catalog.get(given[0]!);
  if (!member) {
    return { kind: 'error', message: `unknown defect ${JSON.stringify(given[0])}; ${MEMBERS_HINT}` };
  }
  return { kind: 'run', member, rest };
}
