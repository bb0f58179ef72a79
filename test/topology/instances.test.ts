import { describe, expect, it } from 'vitest';
import {
  instanceCount,
  instanceLeg,
  instanceName,
  instanceOfLeg,
  legProxies,
  usesRedis,
} from '../../harness/topology/instances.ts';
import { parseTarget } from '../../harness/topology/target.ts';

describe('instances of a target', () => {
  it('are named as people count them, each with its own origin leg; one instance keeps the single-target leg', () => {
    expect([0, 1, 2].map(instanceName)).toEqual(['instance-1', 'instance-2', 'instance-3']);
    expect([0, 1].map((i) => instanceLeg(i, 2))).toEqual(['origin-1', 'origin-2']);
    expect(instanceLeg(0, 1)).toBe('origin');
    expect(instanceOfLeg('origin-2')).toBe(2);
    expect(instanceOfLeg('origin')).toBeUndefined();
  });

  it('puts a fault on `origin` on every instance leg, and one on an instance leg on that leg only', () => {
    expect(legProxies('origin', ['origin-1', 'origin-2'])).toEqual(['origin-1', 'origin-2']);
    expect(legProxies('origin-2', ['origin-1', 'origin-2'])).toEqual(['origin-2']);
    expect(legProxies('origin', undefined)).toEqual(['origin']);
    expect(legProxies('redis', ['origin-1', 'origin-2'])).toEqual(['redis']);
  });

  it('are started for the reference server and zoo members only, several only on a Redis log', () => {
    expect(instanceCount(parseTarget({ kind: 'reference', options: { log: 'redis', instances: 3 } }))).toBe(
      3,
    );
    expect(
      usesRedis(parseTarget({ kind: 'zoo', defect: 'redis-local-replay', options: { log: 'redis' } })),
    ).toBe(true);
    expect(instanceCount(parseTarget({ kind: 'reference' }))).toBe(1);
    const url = parseTarget({
      kind: 'url',
      baseUrl: 'http://127.0.0.1:9',
      streamPath: '/e',
      publish: { path: '/p' },
    });
    expect(instanceCount(url)).toBe(1);
    expect(usesRedis(url)).toBe(false);
    expect(() => parseTarget({ kind: 'reference', options: { instances: 2 } })).toThrow(
      /several instances need log: 'redis'/,
    );
    expect(() => parseTarget({ kind: 'reference', options: { redisPersistence: 'aof-always' } })).toThrow(
      /redisPersistence applies to log: 'redis' only/,
    );
    expect(() => parseTarget({ kind: 'reference', options: { log: 'redis', instances: 9 } })).toThrow(
      /instances/,
    );
  });
});
