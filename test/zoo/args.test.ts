/** zoo/main.ts's --defect argument (pure); the rest of the line is the server's. */
import { describe, expect, it } from 'vitest';
import { parseZooArgs } from '../../zoo/args.ts';
import { catalog, memberNames } from '../../zoo/catalog.ts';

const LIST = memberNames.join(', ');

describe('parseZooArgs', () => {
  it('takes --defect NAME or --defect=NAME anywhere and passes every other argument on', () => {
    expect(parseZooArgs(['--port', '0', '--defect', 'no-heartbeat', '--log', 'memory'])).toEqual({
      kind: 'run',
      member: catalog.get('no-heartbeat'),
      rest: ['--port', '0', '--log', 'memory'],
    });
    expect(parseZooArgs(['--defect=replay-all'])).toEqual({
      kind: 'run',
      member: catalog.get('replay-all'),
      rest: [],
    });
  });

  it('names every member when --defect is missing, empty or unknown', () => {
    expect(parseZooArgs(['--port', '0'])).toEqual({
      kind: 'error',
      message: `missing --defect <name>; members: ${LIST} (see --help)`,
    });
    expect(parseZooArgs(['--defect'])).toEqual({
      kind: 'error',
      message: `--defect needs a member name; members: ${LIST} (see --help)`,
    });
    expect(parseZooArgs(['--defect', '--port', '0'])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^--defect needs a member name/),
    });
    expect(parseZooArgs(['--defect', 'replay-sometimes'])).toEqual({
      kind: 'error',
      message: `unknown defect "replay-sometimes"; members: ${LIST} (see --help)`,
    });
    expect(parseZooArgs(['--defect=', '--port', '0'])).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^unknown defect ""/),
    });
  });

  it('refuses two defects: a member carries exactly one', () => {
    expect(parseZooArgs(['--defect', 'replay-all', '--defect=replay-none'])).toEqual({
      kind: 'error',
      message: '--defect given 2 times (replay-all, replay-none); pick one',
    });
  });

  it('answers --help with every member on its own line, then the server flags', () => {
    const outcome = parseZooArgs(['--defect', 'nope', '--help']);
    expect(outcome.kind).toBe('help');
    if (outcome.kind !== 'help') return;
    const lines = outcome.text.split('\n');
    for (const m of catalog.values()) {
      expect(lines.filter((l) => l.trimStart().startsWith(`${m.name} `))).toEqual([
        expect.stringContaining(m.summary),
      ]);
    }
    expect(outcome.text).toContain('--log-retention <n>');
    expect(outcome.text.indexOf('Members')).toBeLessThan(outcome.text.indexOf('--log-retention'));
  });
});
