import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FILES, findConfigFile, loadConfig } from '../../harness/run/config.ts';
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

  it('loads TypeScript or JavaScript, ESM or CommonJS, in a CommonJS package too', async () => {
    const project = join(dir, 'cjs-project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), '{ "name": "p", "version": "1.0.0" }\n');
    const sources: Record<string, string> = {
      'a.mts': `const seed: number = 11;\nexport default { seed };\n`,
      'a.cts': `const seed: number = 12;\nmodule.exports = { seed };\n`,
      'a.js': `module.exports = { seed: 13 };\n`,
      'a.mjs': `export default { seed: 14 };\n`,
      'a.cjs': `exports.config = { seed: 15 };\n`,
      'a.ts': `import { defineConfig } from '${configModule}';\nexport default defineConfig({ seed: 16 as number });\n`,
    };
    for (const [name, text] of Object.entries(sources)) {
      const file = join(project, name);
      await writeFile(file, text);
      expect((await loadConfig(file))?.seed, name).toBe(
        Number(/\d+/.exec(text.replace(configModule, ''))![0]),
      );
    }
  });

  it('is found under any of its names, .ts first', async () => {
    const project = join(dir, 'names');
    await mkdir(project);
    expect(findConfigFile(project)).toBeUndefined();
    await writeFile(join(project, 'sse-chaos.config.cjs'), 'module.exports = { seed: 1 };\n');
    expect(findConfigFile(project)).toBe(join(project, 'sse-chaos.config.cjs'));
    await writeFile(join(project, 'sse-chaos.config.ts'), 'export default { seed: 2 };\n');
    expect(findConfigFile(project)).toBe(join(project, 'sse-chaos.config.ts'));
    expect(CONFIG_FILES).toEqual([
      'sse-chaos.config.ts',
      'sse-chaos.config.mts',
      'sse-chaos.config.cts',
      'sse-chaos.config.js',
      'sse-chaos.config.mjs',
      'sse-chaos.config.cjs',
    ]);
    const cwd = process.cwd();
    try {
      process.chdir(project);
      expect((await loadConfig())?.seed).toBe(2);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads a target file named relative to the config file, or zoo:NAME', async () => {
    const project = join(dir, 'target');
    await mkdir(join(project, 'chaos'), { recursive: true });
    const target = {
      kind: 'url',
      baseUrl: 'http://127.0.0.1:9',
      streamPath: '/events',
      publish: { path: '/publish' },
      declares: { heartbeatMs: 1000 },
    };
    await writeFile(join(project, 'chaos', 'target.json'), JSON.stringify(target));
    await writeFile(join(project, 'chaos', 'c.mjs'), `export default { target: './target.json' };\n`);
    expect((await loadConfig(join(project, 'chaos', 'c.mjs')))?.target).toMatchObject({
      kind: 'url',
      streamPath: '/events',
      declares: { heartbeatMs: 1000, durable: false },
    });
    await writeFile(join(project, 'zoo.mjs'), `export default { target: 'zoo:no-heartbeat' };\n`);
    expect((await loadConfig(join(project, 'zoo.mjs')))?.target).toEqual({
      kind: 'zoo',
      defect: 'no-heartbeat',
      options: {},
    });
    await writeFile(join(project, 'missing.mjs'), `export default { target: './nope.json' };\n`);
    await expect(loadConfig(join(project, 'missing.mjs'))).rejects.toThrow(
      /cannot read target file .*nope\.json/,
    );
  });

  it('a file that does not compile is a configuration error naming it', async () => {
    const file = join(dir, 'broken.config.ts');
    await writeFile(file, `export default { seed: ;\n`);
    await expect(loadConfig(file)).rejects.toThrow(ScenarioConfigError);
    await expect(loadConfig(file)).rejects.toThrow(/cannot load config file .*broken\.config\.ts/);
  });
});
