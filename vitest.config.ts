import { defineConfig } from 'vitest/config';

// Integration tests start real nginx, toxiproxy-server and servers on loopback; on a 2-core machine
// two test files at a time is the most that keeps timing-sensitive mechanisms honest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
