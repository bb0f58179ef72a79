/**
 * Validates GitHub Actions workflow files and action metadata (action.yml) offline: YAML syntax
 * (`yaml`), the workflow and action schemas and expression rules (GitHub's own
 * @actions/workflow-parser, which ships the schemas the Actions service uses), and this project's
 * policy: actions pinned to full commit SHAs with the version in a comment, least-privilege
 * permissions, cancel-in-progress concurrency, job timeouts.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

/** Problems found in one workflow file; empty when it is valid. */
export async function lintWorkflow(fileName: string, content: string): Promise<string[]> {
  const doc = parseDocument(content, { prettyErrors: true });
  if (doc.errors.length > 0) return doc.errors.map((e) => `${fileName}: YAML: ${e.message}`);

  const problems: string[] = [];
  const parsed = parseWorkflow({ name: fileName, content }, new NoOperationTraceWriter());
  problems.push(...parsed.context.errors.getErrors().map((e) => `schema: ${e.message}`));
  if (parsed.value && problems.length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    problems.push(...(template.errors ?? []).map((e) => `schema: ${e.Message}`));
  }
  problems.push(...policyProblems(fileName, doc, content));
  return problems;
}

const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;

function policyProblems(fileName: string, doc: Document, content: string): string[] {
  const problems: string[] = [];
  const wf = doc.toJS() as Record<string, unknown> | null;
  if (!wf || typeof wf !== 'object') return [`${fileName}: not a mapping`];

  const permissions = wf.permissions;
  if (permissions === undefined)
    problems.push(`${fileName}: no top-level permissions (the default token is too broad)`);
  if (typeof permissions === 'string' && permissions !== 'read-all' && permissions !== '{}') {
    problems.push(`${fileName}: top-level permissions "${permissions}" is not least privilege`);
  }
  if (permissions && typeof permissions === 'object') {
    for (const [scope, level] of Object.entries(permissions)) {
      if (level === 'write')
        problems.push(`${fileName}: top-level permission ${scope}: write (grant writes per job)`);
    }
  }
  const concurrency = wf.concurrency as Record<string, unknown> | undefined;
  if (!concurrency || concurrency['cancel-in-progress'] !== true) {
    problems.push(`${fileName}: concurrency with cancel-in-progress: true is missing`);
  }

  const jobs = (wf.jobs ?? {}) as Record<string, Record<string, unknown>>;
  for (const [id, job] of Object.entries(jobs)) {
    if (job['timeout-minutes'] === undefined) problems.push(`${fileName}: job ${id} has no timeout-minutes`);
    if (job.permissions === 'write-all') problems.push(`${fileName}: job ${id} has permissions: write-all`);
  }

  // Pins: every `uses:` of a remote action must be a full SHA, with its version in a comment.
  const jobsNode = doc.get('jobs', true);
  if (isMap(jobsNode)) {
    for (const jobPair of jobsNode.items) {
      const steps = isMap(jobPair.value) ? jobPair.value.get('steps', true) : undefined;
      const jobUses = isMap(jobPair.value) ? jobPair.value.get('uses', true) : undefined;
      problems.push(...pinProblems(fileName, content, [jobUses, ...stepUses(steps)]));
    }
  }
  return problems;
}

function stepUses(steps: unknown): unknown[] {
  return isSeq(steps) ? steps.items.map((s) => (isMap(s) ? s.get('uses', true) : undefined)) : [];
}

function pinProblems(fileName: string, content: string, usesNodes: unknown[]): string[] {
  const problems: string[] = [];
  for (const node of usesNodes) {
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    const ref = node.value;
    if (ref.startsWith('./') || ref.startsWith('docker://')) continue;
    if (!SHA_PIN.test(ref)) {
      problems.push(`${fileName}: "${ref}" is not pinned to a full commit SHA`);
      continue;
    }
    const line = lineAt(content, (node as Node).range?.[0] ?? 0);
    if (!/#\s*v\d/.test(line)) problems.push(`${fileName}: "${ref}" has no "# vX.Y.Z" version comment`);
  }
  return problems;
}

/**
 * Problems found in action metadata (action.yml); empty when it is valid. Composite run steps must
 * name their shell, and steps' `uses:` follow the same pinning policy as workflows.
 */
export function lintAction(fileName: string, content: string): string[] {
  const doc = parseDocument(content, { prettyErrors: true });
  if (doc.errors.length > 0) return doc.errors.map((e) => `${fileName}: YAML: ${e.message}`);
  const problems: string[] = [];
  const parsed = parseAction({ name: fileName, content }, new NoOperationTraceWriter());
  problems.push(...parsed.context.errors.getErrors().map((e) => `schema: ${e.message}`));
  if (parsed.value && problems.length === 0) {
    convertActionTemplate(parsed.context, parsed.value);
    problems.push(...parsed.context.errors.getErrors().map((e) => `schema: ${e.message}`));
  }
  const runs = doc.get('runs', true);
  const steps = isMap(runs) ? runs.get('steps', true) : undefined;
  if (isSeq(steps)) {
    steps.items.forEach((step, i) => {
      if (isMap(step) && step.has('run') && !step.has('shell'))
        problems.push(
          `${fileName}: step ${i + 1} runs a command without "shell" (required in composite actions)`,
        );
    });
  }
  problems.push(...pinProblems(fileName, content, stepUses(steps)));
  return problems;
}

function lineAt(content: string, offset: number): string {
  const start = content.lastIndexOf('\n', offset) + 1;
  const end = content.indexOf('\n', offset);
  return content.slice(start, end === -1 ? undefined : end);
}
