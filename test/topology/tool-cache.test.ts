import { describe, expect, it } from 'vitest';
import { cacheDir, cachedToxiproxy } from '../../harness/topology/tool-cache.ts';

describe('the per-user tool cache', () => {
  it('is SSE_CHAOS_CACHE_DIR when set, resolved to an absolute path', () => {
    expect(cacheDir({ SSE_CHAOS_CACHE_DIR: '/tmp/c', HOME: '/home/u' })).toBe('/tmp/c');
    expect(cacheDir({ SSE_CHAOS_CACHE_DIR: 'rel', HOME: '/home/u' })).toBe(`${process.cwd()}/rel`);
  });

  it("else the platform's user cache folder, outside any project (npm ci never wipes it)", () => {
    expect(cacheDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.cache/sse-chaos');
    expect(cacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe('/xdg/sse-chaos');
    expect(cacheDir({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Caches/sse-chaos');
  });

  it('keeps toxiproxy under its pinned version, so projects pinned to other versions can share it', () => {
    expect(cachedToxiproxy({ SSE_CHAOS_CACHE_DIR: '/c' })).toBe('/c/toxiproxy-v2.12.0/toxiproxy-server');
  });
});
