import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  composeConfPath,
  composeConfig,
  toxiproxyJson,
  toxiproxyJsonPath,
} from '../../scripts/render-nginx.ts';

describe('docker/ files rendered from the harness code', () => {
  it('docker/nginx/compose.conf is up to date (npx tsx scripts/render-nginx.ts)', () => {
    expect(readFileSync(composeConfPath, 'utf8')).toBe(composeConfig('good'));
  });

  it('docker/toxiproxy.json holds the three legs (npx tsx scripts/render-nginx.ts)', () => {
    const committed: unknown = JSON.parse(readFileSync(toxiproxyJsonPath, 'utf8'));
    expect(committed).toEqual(JSON.parse(toxiproxyJson()));
    expect((committed as Array<{ name: string }>).map((p) => p.name)).toEqual(['edge', 'edge-b', 'origin']);
  });
});
