import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeFakePath } from './testing/fakePath.ts';
import { repoPath } from './repoPaths.ts';

// kind/toolbox/env.sh run by this machine's real bash, with stub kubectl and istioctl that print their arguments.
function kubectlArgs(line: string, env: Record<string, string>): string {
  const fake = makeFakePath({});
  for (const tool of ['kubectl', 'istioctl']) {
    const stub = `${fake.dir}/${tool}`;
    spawnSync('sh', [
      '-c',
      `printf '#!/bin/sh\\nfor a in "$@"; do printf "[%%s]" "$a"; done\\n' > ${stub} && chmod +x ${stub}`,
    ]);
  }
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
    expect(kubectlArgs('kubectl -n istio-system get deploy istiod', CLASS)).toBe(
      '[-n][istio-system][get][deploy][istiod]',
    );
    expect(kubectlArgs('kubectl get svc -n kube-system', CLASS)).toBe('[get][svc][-n][kube-system]');
    expect(kubectlArgs('kubectl exec deploy/sleep -- echo -n default', CLASS)).toBe(
      '[exec][deploy/sleep][--][echo][-n][default]',
    );
  });

  it('works inside $(...) and pipelines, as lessons use it', () => {
    expect(kubectlArgs('echo "$(kubectl get pod -n default -o name)" | cat', CLASS)).toBe(
      '[get][pod][-n][lab-ada-1234][-o][name]\n',
    );
  });

  it.each([
    ['kubectl get svc istio-ingressgateway -n istio-system', '[get][svc][istio-ingressgateway][-n][lab-ada-1234]'],
    [
      "kubectl get po -l istio=ingressgateway -n istio-system -o jsonpath='{.items[0].status.hostIP}'",
      '[get][po][-l][istio=ingressgateway][-n][lab-ada-1234][-o][jsonpath={.items[0].status.hostIP}]',
    ],
    [
      'kubectl -n istio-system get service istio-ingressgateway -o jsonpath=\'{.spec.ports[?(@.name=="http2")].nodePort}\'',
      '[-n][lab-ada-1234][get][service][istio-ingressgateway][-o][jsonpath={.spec.ports[?(@.name=="http2")].nodePort}]',
    ],
    [
      'kubectl logs --namespace=istio-system -l istio=ingressgateway',
      '[logs][--namespace=lab-ada-1234][-l][istio=ingressgateway]',
    ],
  ])(
    "sends the lessons' ingress gateway lookups in istio-system to the learner's own gateway: %s",
    (line, expected) => {
      expect(kubectlArgs(line, CLASS)).toBe(expected);
    },
  );

  it('does the same for a single learner, whose own gateway is in default', () => {
    expect(kubectlArgs('kubectl get svc istio-ingressgateway -n istio-system', { LABS_NAMESPACE: 'default' })).toBe(
      '[get][svc][istio-ingressgateway][-n][default]',
    );
  });

  it('refuses istioctl install in a class with what to do instead (a Sidecar), and passes other istioctl commands', () => {
    const out = kubectlArgs(
      'istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y; echo "exit $?"',
      CLASS,
    );
    expect(out).toContain('istioctl install: not in a class');
    expect(out).toContain('kubectl apply -f ~/samples/egress/registry-only-sidecar.yaml');
    expect(out).toContain('강의실에서는 쓸 수 없습니다');
    expect(out).toMatch(/^exit 1\n/);
    expect(kubectlArgs('istioctl proxy-config routes deploy/sleep', CLASS)).toBe(
      '[proxy-config][routes][deploy/sleep]',
    );
    expect(kubectlArgs('istioctl install -y', { LABS_NAMESPACE: 'default' })).toBe('[install][-y]');
  });

  it('changes nothing for a single learner', () => {
    expect(kubectlArgs('kubectl label namespace default istio-injection=enabled', { LABS_NAMESPACE: 'default' })).toBe(
      '[label][namespace][default][istio-injection=enabled]',
    );
  });
});

describe('the terminal banner of a toolbox', () => {
  const banner = (env: Record<string, string>) =>
    spawnSync('bash', ['-c', `. ${repoPath('kind/toolbox/labsrc.sh')}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/bin:/bin', LABS_ETC: repoPath('kind/toolbox'), ...env },
    }).stdout;

  it('tells a learner of a class their namespace, their own gateway and the per-namespace mesh settings, in both languages', () => {
    const text = banner(CLASS);
    expect(text).toContain('[class cluster] Your namespace is lab-ada-1234');
    expect(text).toContain('[강의실 클러스터] 내 네임스페이스는 lab-ada-1234입니다.');
    expect(text).toContain('Sidecar');
  });

  it("tells a single learner where the chapter's own gateway is", () => {
    const text = banner({ LABS_NAMESPACE: 'default' });
    expect(text).toContain('ingress gateway (istio-ingressgateway) is in namespace default');
    expect(text).toContain('default 네임스페이스에 있고');
    expect(text).not.toContain('class');
  });
});
