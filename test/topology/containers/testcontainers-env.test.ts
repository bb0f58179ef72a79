import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  localDockerdRunning,
  testcontainersDefaults,
} from '../../../harness/topology/containers/testcontainers-env.ts';

describe('testcontainers environment defaults', () => {
  it('turn Ryuk off (its image needs a registry) unless the user set it', () => {
    expect(testcontainersDefaults({}, false).TESTCONTAINERS_RYUK_DISABLED).toBe('true');
    expect(testcontainersDefaults({ TESTCONTAINERS_RYUK_DISABLED: 'false' }, false)).toEqual({});
  });

  it('point testcontainers at loopback inside a container whose engine runs right here', () => {
    const local = () => true;
    expect(testcontainersDefaults({}, true, local).TESTCONTAINERS_HOST_OVERRIDE).toBe('127.0.0.1');
    expect(
      testcontainersDefaults({ DOCKER_HOST: 'unix:///tmp/d.sock' }, true, local).TESTCONTAINERS_HOST_OVERRIDE,
    ).toBe('127.0.0.1');
    // A remote engine, an engine outside our container, or a user's own override: left alone.
    expect(testcontainersDefaults({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, true, local)).not.toHaveProperty(
      'TESTCONTAINERS_HOST_OVERRIDE',
    );
    expect(testcontainersDefaults({}, true, () => false)).not.toHaveProperty('TESTCONTAINERS_HOST_OVERRIDE');
    expect(testcontainersDefaults({}, false, local)).not.toHaveProperty('TESTCONTAINERS_HOST_OVERRIDE');
    expect(
      testcontainersDefaults({ TESTCONTAINERS_HOST_OVERRIDE: 'localhost' }, true, local),
    ).not.toHaveProperty('TESTCONTAINERS_HOST_OVERRIDE');
  });

  it('see a dockerd among the processes by its name', () => {
    const proc = mkdtempSync(join(tmpdir(), 'sse-chaos-proc-'));
    try {
      mkdirSync(join(proc, '12'));
      writeFileSync(join(proc, '12', 'comm'), 'node\n');
      mkdirSync(join(proc, 'self'));
      expect(localDockerdRunning(proc)).toBe(false);
      mkdirSync(join(proc, '34'));
      writeFileSync(join(proc, '34', 'comm'), 'dockerd\n');
      expect(localDockerdRunning(proc)).toBe(true);
      expect(localDockerdRunning(join(proc, 'missing'))).toBe(false);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});
