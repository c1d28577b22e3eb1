import { afterEach, describe, expect, it } from 'vitest';
import { findPreflightProblems, preflight, PreflightError } from './preflight.ts';
import { healthyPrograms, makeFakePath, type FakePath, type StubProgram } from './testing/fakePath.ts';

const made: FakePath[] = [];
afterEach(() => {
  while (made.length) made.pop()!.remove();
});

function pathWith(overrides: Record<string, StubProgram | null>): string {
  const programs: Record<string, StubProgram> = healthyPrograms();
  for (const [name, p] of Object.entries(overrides)) {
    if (p === null) delete programs[name];
    else programs[name] = p;
  }
  const fake = makeFakePath(programs);
  made.push(fake);
  return fake.dir;
}

describe('preflight', () => {
  it('finds nothing wrong when all four programs are there in good versions', async () => {
    expect(await findPreflightProblems({ path: pathWith({}) })).toEqual([]);
    await expect(preflight({ path: pathWith({}) })).resolves.toBeUndefined();
  });

  it.each(['docker', 'kind', 'kubectl', 'istioctl'])(
    'names a missing %s on one line with how to install it',
    async (name) => {
      const problems = await findPreflightProblems({ path: pathWith({ [name]: null }) });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: not found on PATH; install `));
      expect(problems[0]).not.toContain('\n');
    },
  );

  it('lists every missing program, one line each, on an empty PATH', async () => {
    const fake = makeFakePath({});
    made.push(fake);
    const error = await preflight({ path: fake.dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    const lines = (error as PreflightError).message.split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['docker', 'kind', 'kubectl', 'istioctl']);
    expect((error as Error).message).not.toMatch(/at .*\.ts:\d+/);
  });

  it('says Docker is installed but not running when docker info fails', async () => {
    const problems = await findPreflightProblems({
      path: pathWith({
        docker: {
          code: 1,
          stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
        },
      }),
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^docker: the Docker daemon is not reachable \(Cannot connect to the Docker daemon.*\); start Docker/,
      ),
    ]);
  });

  it('refuses kind older than 0.30', async () => {
    const problems = await findPreflightProblems({
      path: pathWith({ kind: { stdout: 'kind v0.29.0 go1.24.2 linux/amd64\n' } }),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^kind: version 0\.29\.0 is too old to run kindest\/node:v1\.34\.0; install kind 0\.30\.0/),
    ]);
  });

  it('refuses a kubectl client older than 1.33 and reads versions with suffixes', async () => {
    const old = { stdout: JSON.stringify({ clientVersion: { gitVersion: 'v1.32.4-dispatcher' } }) };
    expect(await findPreflightProblems({ path: pathWith({ kubectl: old }) })).toEqual([
      expect.stringMatching(
        /^kubectl: client version 1\.32\.4 is too old for Kubernetes 1\.34\.0; install kubectl 1\.33 or newer/,
      ),
    ]);
  });

  it('accepts only istioctl 1.30.x, from either output format', async () => {
    expect(await findPreflightProblems({ path: pathWith({ istioctl: { stdout: '1.30.2\n' } }) })).toEqual([]);
    const problems = await findPreflightProblems({
      path: pathWith({ istioctl: { stdout: 'client version: 1.29.1\n' } }),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^istioctl: version 1\.29\.1 is not 1\.30\.x .*ISTIO_VERSION=1\.30\.0/),
    ]);
  });

  it('reports a program that exits non-zero on its version command', async () => {
    const problems = await findPreflightProblems({
      path: pathWith({ istioctl: { code: 2, stderr: 'Error: unknown flag: --remote\n' } }),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^istioctl: "istioctl version --remote=false" failed \(Error: unknown flag: --remote\)/),
    ]);
  });

  it('ignores files on PATH that are not executable', async () => {
    const fake = makeFakePath(healthyPrograms());
    made.push(fake);
    const { chmodSync } = await import('node:fs');
    chmodSync(`${fake.dir}/kind`, 0o644);
    expect(await findPreflightProblems({ path: fake.dir })).toEqual([
      expect.stringMatching(/^kind: not found on PATH/),
    ]);
  });
});
