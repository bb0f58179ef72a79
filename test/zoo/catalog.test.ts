/** The catalog: the member names are a contract with the harness, and each entry says what it is. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalog, memberNames } from '../../zoo/catalog.ts';

const MEMBERS_DIR = fileURLToPath(new URL('../../zoo/members/', import.meta.url));
const README = fileURLToPath(new URL('../../zoo/README.md', import.meta.url));

describe('zoo catalog', () => {
  it('holds exactly the members the harness relies on', () => {
    expect([...memberNames].sort()).toEqual(
      [
        'memory-log',
        'fixed-retry',
        'ids-restart',
        'replay-includes-last',
        'replay-all',
        'replay-none',
        'no-heartbeat',
        'slow-client-skip',
        'abrupt-shutdown',
        'reset-always',
        'reorder-concurrent',
        'app-buffered',
        'no-resume-point',
        'replay-live-race',
        'redis-local-replay',
        'redis-ack-before-append',
      ].sort(),
    );
  });

  it('has one file per member under zoo/members, named after it', () => {
    const files = readdirSync(MEMBERS_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...memberNames].sort());
  });

  it('describes every member: a one-line summary, the defect in 1-3 sentences, where it happens', () => {
    for (const [name, m] of catalog) {
      expect(m.name, name).toBe(name);
      expect(m.name, name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.summary, name).toMatch(/^\S.{10,119}$/);
      const sentences = m.defect.split(/(?<=[.!?])\s+(?=[A-Z])/);
      expect(sentences.length, `${name}: ${m.defect}`).toBeGreaterThanOrEqual(1);
      expect(sentences.length, `${name}: ${m.defect}`).toBeLessThanOrEqual(3);
      expect(m.realWorld.length, name).toBeGreaterThan(40);
      expect(typeof m.build, name).toBe('function');
    }
  });

  it('has one row per member in the README table', () => {
    const rows = readFileSync(README, 'utf8')
      .split('\n')
      .flatMap((l) => /^\| `([a-z0-9-]+)` \|/.exec(l)?.[1] ?? []);
    expect(rows).toEqual([...memberNames]);
  });
});
