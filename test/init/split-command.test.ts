import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../harness/init/split-command.ts';

describe('a command typed as one line becomes argv the way a shell splits words', () => {
  it('splits on whitespace and keeps {port} as a word', () => {
    expect(splitCommand('  node  server.js --port {port} ')).toEqual([
      'node',
      'server.js',
      '--port',
      '{port}',
    ]);
  });
  it('keeps quoted words whole, with escapes inside double quotes only', () => {
    expect(splitCommand(`node -e 'console.log("a b")' "x \\"y\\"" z\\ w`)).toEqual([
      'node',
      '-e',
      'console.log("a b")',
      'x "y"',
      'z w',
    ]);
    expect(splitCommand(`a '' b`)).toEqual(['a', '', 'b']);
  });
  it('refuses an unterminated quote', () => {
    expect(() => splitCommand(`node 'server.js`)).toThrow(/unterminated ' quote/);
  });
});
