import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ISTIO_VERSION, KIND_MIN_VERSION, NODE_IMAGE } from './pins.ts';
import { repoPath } from './repoPaths.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
const workflow = parse(readFileSync(repoPath('.github/workflows/kind-e2e.yml'), 'utf8')) as {
  name: string;
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; env: Record<string, string>; steps: Step[] }>;
};
const job = workflow.jobs['kind-e2e']!;
const steps = job.steps;
const runs = (text: string) => steps.filter((s) => s.run?.includes(text));

describe('.github/workflows/kind-e2e.yml', () => {
  it('is a GitHub Actions workflow on an Ubuntu runner with Node 24 and npm ci', () => {
    expect(workflow.name).toBeTruthy();
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_dispatch']));
    expect(job['runs-on']).toMatch(/^ubuntu-/);
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.['node-version']).toBe(24);
    expect(runs('npm ci')).toHaveLength(1);
    for (const s of steps) expect(s.uses ?? s.run, JSON.stringify(s)).toBeTruthy();
  });

  it('installs the pinned kind, kubectl and istioctl', () => {
    expect(job.env.ISTIO_VERSION).toBe(ISTIO_VERSION);
    expect(job.env.KUBECTL_VERSION).toBe(`v${NODE_IMAGE.split(':v')[1]}`);
    expect(job.env.KIND_VERSION).toBe(`v${KIND_MIN_VERSION}`);
    expect(runs('kind.sigs.k8s.io/dl/${KIND_VERSION}')).toHaveLength(1);
    expect(runs('dl.k8s.io/release/${KUBECTL_VERSION}')).toHaveLength(1);
    expect(runs('releases/download/${ISTIO_VERSION}/istioctl-${ISTIO_VERSION}-linux-amd64.tar.gz')).toHaveLength(1);
  });

  it('times cluster up into the job summary, runs it twice, verifies every lab and runs the contract suite against kind', () => {
    const up = runs('npx labs cluster up');
    // Up, up again (idempotent), and up to repair what the lessons' `istioctl install` undid before the class suite.
    expect(up).toHaveLength(3);
    expect(up[0]!.run).toContain('$GITHUB_STEP_SUMMARY');
    expect(runs('npx labs verify --backend kind --all')).toHaveLength(1);
    // Every chapter with a Gateway API variant, in that API too.
    expect(runs('npx labs verify --backend kind --all --api gateway')).toHaveLength(1);
    const contract = steps.filter((s) => s.run?.includes('tests/contract/kind.contract.test.ts'));
    expect(contract.length).toBeGreaterThanOrEqual(1);
    for (const s of contract) expect(s.env?.LABS_KIND).toBe('1');
    expect(contract.some((s) => s.env?.LABS_KIND_CLASSROOM === '1')).toBe(true);
  });

  it('runs the kube backend through a context of its own, measures a learner, and cleans the class up', () => {
    expect(runs('npx labs cluster status --context workshop')).toHaveLength(1);
    expect(runs('npx labs verify --backend kube --context workshop')).toHaveLength(1);
    const measure = runs('kind/measure-learner.sh');
    expect(measure).toHaveLength(1);
    expect(measure[0]!.run).toContain('$GITHUB_STEP_SUMMARY');
    expect(runs('npx labs class cleanup --context kind-labs')).toHaveLength(1);
  });

  it('records golden files and uploads them and the logs even when a step failed', () => {
    expect(runs('record-golden.ts --out golden/kind')).toHaveLength(1);
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((u) => u.with?.path)).toEqual(['golden/kind', 'logs']);
    for (const u of uploads) expect(u.if).toContain('always()');
    expect(steps.find((s) => s.run?.includes('kind export logs'))?.if).toContain('failure()');
  });

  it('puts the steps in a working order: tools, up, verify, contract, golden, uploads', () => {
    const index = (text: string) => steps.findIndex((s) => (s.run ?? s.uses ?? '').includes(text));
    const order = [
      'npm ci',
      'releases/download',
      'npx labs cluster up',
      'npx labs verify',
      'kind.contract.test.ts',
      '--backend kube --context workshop',
      'kind/measure-learner.sh',
      'npx labs class cleanup',
      'record-golden.ts',
      'actions/upload-artifact',
    ].map(index);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
