import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../harness/run/config.ts';
import { ScenarioConfigError } from '../../harness/run/config-error.ts';

const configModule = new URL('../../harness/run/config.ts', import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-chaos-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('config file', () => {
  it('loads a typed defineConfig default export', async () => {
    const file = join(dir, 'good.config.ts');
    await writeFile(
      file,
      `import { defineConfig } from '${configModule}';\nexport default defineConfig({ slos: { 'latency-p99': 250 }, profile: 'good', seed: 7 });\n`,
    );
    const c = await loadConfig(file);
    expect(c).toMatchObject({ slos: { 'latency-p99': 250 }, profile: 'good', seed: 7 });
    expect(c?.source).toContain('good.config.ts');
  });

  it('names the file and the field of a bad value', async () => {
    const file = join(dir, 'bad.config.ts');
    await writeFile(file, `export default { seed: 'x', nope: 1 };\n`);
    await expect(loadConfig(file)).rejects.toThrow(ScenarioConfigError);
    await expect(loadConfig(file)).rejects.toThrow(/bad\.config\.ts: seed: .*number/);
    await expect(loadConfig(file)).rejects.toThrow(/nope/);
  });

  it('a missing explicit file is an error; a missing default file means no config', async () => {
    await expect(loadConfig(join(dir, 'missing.ts'))).rejects.toThrow(/does not exist/);
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(await loadConfig()).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });
});
