/**
 * The shipped examples for runs spread over machines: the Kubernetes Indexed Job (and its merge Job)
 * validate against the Kubernetes API schema (kubernetes-models: validators generated from the
 * Kubernetes OpenAPI spec), the GitHub Actions matrix against the Actions workflow schema and our
 * pinning policy, and both hand every shard the flags a sharded run needs, in step with each other.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkRunId, parseShard } from '../../harness/run/shard-run.ts';
import { parseTarget } from '../../harness/topology/target.ts';

const file = (p: string) => readFile(new URL(`../../deploy/${p}`, import.meta.url), 'utf8');
const docs = async (p: string) =>
  parseAllDocuments(await file(p)).map((d) => d.toJS() as { kind: string; [k: string]: unknown });

/** The Kubernetes API schema's verdict on one object (throws with the field on a bad one). */
function validate(obj: { kind: string }): void {
  const make = { ConfigMap, PersistentVolumeClaim, Job }[obj.kind];
  if (!make) throw new Error(`no validator for kind ${obj.kind}`);
  new make(obj as never).validate();
}

interface JobDoc {
  kind: 'Job';
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: {
      spec: {
        containers: {
          args: string[];
          env?: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
        }[];
      };
    };
  };
}

describe('Kubernetes manifests', () => {
  it('validate against the Kubernetes API schema', async () => {
    const all = [...(await docs('kubernetes/shards-job.yaml')), ...(await docs('kubernetes/merge-job.yaml'))];
    expect(all.map((d) => d.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);
    for (const d of all) expect(() => validate(d), d.kind).not.toThrow();
  });

  it('the validator is real: a wrong type or a missing required field is rejected', async () => {
    const job = (await docs('kubernetes/shards-job.yaml'))[2] as unknown as JobDoc;
    const bad = structuredClone(job) as unknown as { spec: { completions: unknown } };
    bad.spec.completions = 'four';
    expect(() => validate(bad as never)).toThrow(/completions must be integer/);
    const nameless = structuredClone(job);
    delete (nameless.spec.template.spec.containers[0] as { name?: string }).name;
    expect(() => validate(nameless)).toThrow(/must have required property name/);
  });

  it('run one pod per shard at once, each with its index, the one run id and a url target', async () => {
    const [config, , job] = (await docs('kubernetes/shards-job.yaml')) as unknown as [
      { data: Record<string, string> },
      unknown,
      JobDoc,
    ];
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.parallelism).toBe(job.spec.completions);
    const c = job.spec.template.spec.containers[0]!;
    const arg = (flag: string) => c.args[c.args.indexOf(flag) + 1]!;
    expect(arg('--shard')).toBe(`$(SHARD)/${job.spec.completions}`);
    const env = new Map(c.env!.map((e) => [e.name, e]));
    expect(env.get('SHARD')!.valueFrom!.fieldRef.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    expect(env.get('RUN_ID')!.valueFrom!.fieldRef.fieldPath).toBe(
      "metadata.labels['batch.kubernetes.io/controller-uid']",
    );
    expect(env.get('SSE_CHAOS_RUNTIME')!.value).toBe('local');
    // What the pods will be given is what the CLI accepts: each index, and a Job uid as the run id.
    for (let i = 0; i < job.spec.completions!; i++)
      expect(parseShard(arg('--shard').replace('$(SHARD)', String(i)))).toEqual({
        index: i,
        of: job.spec.completions,
      });
    expect(checkRunId('0b7e2c1a-6f3d-4d5e-9a8b-1c2d3e4f5a6b')).toBeTruthy();
    const target = parseTarget(JSON.parse(config.data['target.json']!));
    expect(target.kind).toBe('url');
    expect(arg('--target')).toBe('/config/target.json');
    expect(arg('--out')).toBe('/results/shard-$(SHARD)');
    const merge = (await docs('kubernetes/merge-job.yaml'))[0] as unknown as JobDoc;
    expect(merge.spec.template.spec.containers[0]!.args.join(' ')).toContain(
      'sse-chaos merge /results/shard-* --out /results/merged',
    );
  });
});

function lint(name: string, content: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const cli = fileURLToPath(new URL('../github/lint-workflows-cli.ts', import.meta.url));
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', cli],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`workflow linter failed: ${err.message}\n${stderr}`));
        resolve((JSON.parse(stdout) as string[][])[0]!);
      },
    );
    child.stdin!.end(JSON.stringify([{ name, content }]));
  });
}

describe('GitHub Actions matrix example', () => {
  it('is valid against the Actions workflow schema and our pinning policy', async () => {
    expect(await lint('sse-chaos-shards.yml', await file('github-actions/sse-chaos-shards.yml'))).toEqual([]);
  });

  it('runs every shard of the matrix with one run id, then merges what they uploaded', async () => {
    type Step = { run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> };
    const wf = parse(await file('github-actions/sse-chaos-shards.yml')) as {
      jobs: {
        shard: { strategy: { matrix: { shard: number[] } }; steps: Step[] };
        merge: { needs: string; steps: Step[] };
      };
    };
    const shards = wf.jobs.shard.strategy.matrix.shard;
    const run = wf.jobs.shard.steps.find((s) => s.run?.includes('--shard'))!;
    expect(run.run).toContain(`--shard "$SHARD/${shards.length}"`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i));
    expect(run.env!.RUN_ID).toBe('${{ github.run_id }}-${{ github.run_attempt }}');
    expect(checkRunId('1234567890-1')).toBe('1234567890-1');
    expect(wf.jobs.merge.needs).toBe('shard');
    const download = wf.jobs.merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with!.pattern).toBe('sse-chaos-shard-*');
    expect(wf.jobs.merge.steps.some((s) => s.run === 'npx sse-chaos merge shards/* --out merged')).toBe(true);
  });
});
