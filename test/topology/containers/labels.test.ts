import { describe, expect, it } from 'vitest';
import {
  LABEL,
  newRunId,
  ownerId,
  parseOwner,
  runLabels,
} from '../../../harness/topology/containers/labels.ts';

describe('run labels', () => {
  it('name the run, its owner process and the role of each container', () => {
    expect(runLabels('r1', 'nginx', 'box:42')).toEqual({
      [LABEL.run]: 'r1',
      [LABEL.owner]: 'box:42',
      [LABEL.role]: 'nginx',
    });
    expect(ownerId(42, 'box')).toBe('box:42');
  });

  it('read an owner back, and refuse malformed ones', () => {
    expect(parseOwner('box:42')).toEqual({ host: 'box', pid: 42 });
    expect(parseOwner('a:b:7')).toEqual({ host: 'a:b', pid: 7 });
    for (const bad of [undefined, '', 'box', ':42', 'box:0', 'box:-1', 'box:4x'])
      expect(parseOwner(bad)).toBeUndefined();
  });

  it('give every run its own id', () => {
    const ids = new Set(Array.from({ length: 100 }, newRunId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]+-[0-9a-f]{8}$/);
  });
});
