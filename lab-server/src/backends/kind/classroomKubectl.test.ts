import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeFakePath } from './testing/fakePath.ts';
import { repoPath } from './repoPaths.ts';

// kind/toolbox/env.sh run by this machine's real bash, with a stub kubectl that prints its arguments.
function kubectlArgs(line: string, env: Record<string, string>): string {
  const fake = makeFakePath({});
  const stub = `${fake.dir}/kubectl`;
  spawnSync('sh', [
    '-c',
    `printf '#!/bin/sh\\nfor a in "$@"; do printf "[%%s]" "$a"; done\\n' > ${stub} && chmod +x ${stub}`,
  ]);
  // stdin not a socket (node's pipes are), or bash takes itself for an rsh session and reads ~/.bashrc.
  const r = spawnSync('bash', ['-c', line], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: `${fake.dir}:/usr/bin:/bin`, BASH_ENV: repoPath('kind/toolbox/env.sh'), ...env },
  });
  fake.remove();
  return r.stdout + r.stderr;
}

const CLASS = { LABS_CLASSROOM: '1', LABS_NAMESPACE: 'lab-ada-1234' };

describe('kubectl in a classroom toolbox', () => {
  it.each([
    [
      'kubectl label namespace default istio-injection=enabled --overwrite',
      '[label][namespace][lab-ada-1234][istio-injection=enabled][--overwrite]',
    ],
    [
      'kubectl wait --for=condition=Ready pod --all -n default --timeout=300s',
      '[wait][--for=condition=Ready][pod][--all][-n][lab-ada-1234][--timeout=300s]',
    ],
    ['kubectl get pods --namespace=default', '[get][pods][--namespace=lab-ada-1234]'],
    ['kubectl get ns default -o yaml', '[get][ns][lab-ada-1234][-o][yaml]'],
    ['kubectl describe namespace/default', '[describe][namespace/lab-ada-1234]'],
  ])('maps `default` to the learner namespace: %s', (line, expected) => {
    expect(kubectlArgs(line, CLASS)).toBe(expected);
  });

  it('leaves other namespaces and the command after -- alone', () => {
    expect(kubectlArgs('kubectl -n istio-system get svc istio-ingressgateway', CLASS)).toBe(
      '[-n][istio-system][get][svc][istio-ingressgateway]',
    );
    expect(kubectlArgs('kubectl exec deploy/sleep -- echo -n default', CLASS)).toBe(
      '[exec][deploy/sleep][--][echo][-n][default]',
    );
  });

  it('works inside $(...) and pipelines, as lessons use it', () => {
    expect(kubectlArgs('echo "$(kubectl get pod -n default -o name)" | cat', CLASS)).toBe(
      '[get][pod][-n][lab-ada-1234][-o][name]\n',
    );
  });

  it('changes nothing for a single learner', () => {
    expect(kubectlArgs('kubectl label namespace default istio-injection=enabled', { LABS_NAMESPACE: 'default' })).toBe(
      '[label][namespace][default][istio-injection=enabled]',
    );
  });
});
