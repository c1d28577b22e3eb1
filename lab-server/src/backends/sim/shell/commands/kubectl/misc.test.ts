import { describe, expect, it, vi } from 'vitest';
import { fakeShell } from './testing/harness.ts';
import { podFixture } from '../../../cluster/testing/fakeSimCluster.ts';

describe('kubectl help, config, version formats', () => {
  it.each([
    [
      'kubectl get --help',
      'Display one or many resources.\n\nUsage:\n  kubectl get ' +
        '[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|' +
        'jsonpath-file|custom-columns|custom-columns-file|wide] ' +
        '(TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]\n\nUse ' +
        '"kubectl options" for a list of global command-line options (applies to all commands).\n',
    ],
    [
      'kubectl help exec',
      'Execute a command in a container.\n\nUsage:\n  kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND ' +
        '[args...] [options]\n\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n',
    ],
    ['kubectl config current-context', 'kind-kind\n'],
    [
      'kubectl version --client -o yaml',
      'clientVersion:\n  compiler: gc\n  gitVersion: v1.34.1\n  goVersion: go1.24.6\n ' +
        ' major: "1"\n  minor: "34"\n  platform: linux/amd64\nkustomizeVersion: v5.7.1\n',
    ],
  ])('%s', async (command, stdout) => {
    expect(await fakeShell().run(command)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it.each([
    ['kubectl help', /^kubectl controls the Kubernetes cluster manager\./],
    ['kubectl --help', /Basic Commands \(Beginner\):/],
    ['kubectl cluster-info', /Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:6443/],
  ])('%s', async (command, pattern) => {
    const r = await fakeShell().run(command);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(pattern);
  });

  it.each([
    ['kubectl version -o xml', "error: --output must be 'yaml' or 'json'\n"],
    ['kubectl api-resources --sort-by=age', 'error: --sort-by accepts only name or kind\n'],
    ['kubectl rollout bogus deploy/x', 'error: unknown command "bogus" for "kubectl rollout"\n'],
  ])('%s', async (command, stderr) => {
    expect(await fakeShell().run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});

describe('kubectl get -w', () => {
  // Each change is flushed through the tabwriter on its own, so its row is not aligned with the table (as in kubectl).
  it('prints the table, then a row per change, until Ctrl-C', async () => {
    const sh = fakeShell({ interactive: true });
    sh.cluster.put(podFixture('a', { createdMs: sh.clock.now() }));
    const abort = new AbortController();
    const watching = vi.spyOn(sh.cluster, 'watch');
    const running = sh.run('kubectl get pods -w', { signal: abort.signal });
    await vi.waitFor(() => expect(watching).toHaveBeenCalled());
    sh.cluster.put(podFixture('b', { phase: 'Pending', createdMs: sh.clock.now() }));
    sh.cluster.put(podFixture('c', { namespace: 'other' }));
    abort.abort();
    await running;
    expect(sh.streamed.join('')).toBe(
      'NAME   READY   STATUS    RESTARTS   AGE\na      1/1     Running   0          0s\nb   0/1   ContainerCreating   0   0s\n',
    );
  });
});
