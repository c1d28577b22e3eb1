import { beforeEach, describe, expect, it } from 'vitest';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import { podFixture, type FakeSimCluster } from '../../../cluster/testing/fakeSimCluster.ts';

const VS =
  'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - reviews\n';

let sh: KubectlShell<FakeSimCluster>;
beforeEach(() => {
  sh = fakeShell({ files: { 'vs.yaml': VS } });
  sh.cluster.put(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'labs', labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: { hosts: ['reviews'] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: { host: 'reviews' },
    },
    podFixture('a', { labels: { app: 'x' } }),
    podFixture('b', { labels: { app: 'x' } }),
    podFixture('c', { labels: { app: 'y' } }),
  );
});

describe('kubectl delete', () => {
  it.each([
    ['kubectl delete vs reviews', 'virtualservice.networking.istio.io "reviews" deleted from default namespace\n'],
    [
      'kubectl delete virtualservice/reviews destinationrule/reviews',
      'virtualservice.networking.istio.io "reviews" deleted from default ' +
        'namespace\ndestinationrule.networking.istio.io "reviews" deleted from default namespace\n',
    ],
    [
      'kubectl delete vs,dr reviews',
      'virtualservice.networking.istio.io "reviews" deleted from default ' +
        'namespace\ndestinationrule.networking.istio.io "reviews" deleted from default namespace\n',
    ],
    ['kubectl delete -f vs.yaml', 'virtualservice.networking.istio.io "reviews" deleted from default namespace\n'],
    [
      'cat vs.yaml | kubectl delete -f -',
      'virtualservice.networking.istio.io "reviews" deleted from default namespace\n',
    ],
    [
      'kubectl delete pods -l app=x',
      'pod "a" deleted from default namespace\npod "b" deleted from default namespace\n',
    ],
    [
      'kubectl delete pod --all',
      'pod "a" deleted from default namespace\npod "b" deleted from default namespace\npod "c" deleted from default namespace\n',
    ],
    ['kubectl delete ns labs', 'namespace "labs" deleted\n'],
    ['kubectl delete vs reviews -o name', 'virtualservice.networking.istio.io/reviews\n'],
    ['kubectl delete pods -l app=none', 'No resources found\n'],
    ['kubectl delete vs nope --ignore-not-found', ''],
  ])('%s', async (command, stdout) => {
    expect(await sh.run(command)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it('really deletes, and --dry-run does not', async () => {
    expect((await sh.run('kubectl delete vs reviews --dry-run=server')).stdout).toBe(
      'virtualservice.networking.istio.io "reviews" deleted from default namespace (server dry run)\n',
    );
    expect(sh.cluster.get('VirtualService', 'default', 'reviews')).toBeDefined();
    await sh.run('kubectl delete pods -l app=x');
    expect(sh.cluster.list('Pod').map((p) => p.metadata.name)).toEqual(['c']);
  });

  it.each([
    ['kubectl delete vs nope', 'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n'],
    ['kubectl delete vs', 'error: resource(s) were provided, but no name was specified\n'],
    [
      'kubectl delete',
      'error: You must provide one or more resources by argument or filename.\nExample resource specifications ' +
        "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    ],
    ['kubectl delete foo x', 'error: the server doesn\'t have a resource type "foo"\n'],
    ['kubectl delete pods --all -l app=x', 'error: cannot set --all and --selector at the same time\n'],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('-f of something absent says which file', async () => {
    await sh.run('kubectl delete vs reviews');
    expect(await sh.run('kubectl delete -f vs.yaml')).toEqual({
      stdout: '',
      stderr:
        'Error from server (NotFound): error when deleting "vs.yaml": virtualservices.networking.istio.io "reviews" not found\n',
      exitCode: 1,
    });
  });
});

describe('kubectl label and annotate', () => {
  it.each([
    [
      'kubectl label namespace default istio-injection=enabled',
      'namespace/default labeled\n',
      { 'istio-injection': 'enabled' },
    ],
    [
      'kubectl label ns labs istio-injection=disabled --overwrite',
      'namespace/labs labeled\n',
      { 'istio-injection': 'disabled' },
    ],
    ['kubectl label ns labs istio-injection-', 'namespace/labs unlabeled\n', {}],
    ['kubectl label ns labs istio-injection- --overwrite', 'namespace/labs labeled\n', {}],
    ['kubectl label ns labs istio-injection=enabled', 'namespace/labs not labeled\n', { 'istio-injection': 'enabled' }],
    ['kubectl label ns labs nothing-', 'namespace/labs not labeled\n', { 'istio-injection': 'enabled' }],
    ['kubectl label ns/labs a=1 b=2', 'namespace/labs labeled\n', { 'istio-injection': 'enabled', a: '1', b: '2' }],
  ])('%s', async (command, stdout, labels) => {
    expect(await sh.run(command)).toEqual({ stdout, stderr: '', exitCode: 0 });
    const ns = command.includes('default') ? 'default' : 'labs';
    expect(sh.cluster.get('Namespace', undefined, ns)?.metadata.labels ?? {}).toEqual(labels);
  });

  it('refuses to change a label without --overwrite, as kubectl words it', async () => {
    expect(await sh.run('kubectl label namespace labs istio-injection=disabled')).toEqual({
      stdout: '',
      stderr: "error: 'istio-injection' already has a value (enabled), and --overwrite is false\n",
      exitCode: 1,
    });
    expect(sh.cluster.get('Namespace', undefined, 'labs')?.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  it('labels every pod a selector picks', async () => {
    expect((await sh.run('kubectl label pods -l app=x version=v1')).stdout).toBe('pod/a labeled\npod/b labeled\n');
    expect(sh.cluster.list('Pod', 'default', 'version=v1').map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['kubectl label ns labs', 'error: at least one label update is required\n'],
    ['kubectl label ns labs a=b=c', 'error: invalid label spec: a=b=c\n'],
    ['kubectl label ns labs a=1 a-', 'error: can not both modify and remove a label in the same command\n'],
    ['kubectl label ns nope a=1', 'Error from server (NotFound): namespaces "nope" not found\n'],
    ['kubectl label ns a=1', 'error: resource(s) were provided, but no name was specified\n'],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('annotate sets, refuses to overwrite in its own words, removes', async () => {
    expect((await sh.run('kubectl annotate vs reviews note=hello')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews annotated\n',
    );
    expect(await sh.run('kubectl annotate vs reviews note=bye')).toEqual({
      stdout: '',
      stderr:
        "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)\n",
      exitCode: 1,
    });
    expect((await sh.run('kubectl annotate vs reviews note=bye --overwrite')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews annotated\n',
    );
    expect(sh.cluster.get('VirtualService', 'default', 'reviews')?.metadata.annotations).toEqual({ note: 'bye' });
    await sh.run('kubectl annotate vs reviews note-');
    expect(sh.cluster.get('VirtualService', 'default', 'reviews')?.metadata.annotations).toEqual({});
  });
});

describe('kubectl scale and edit', () => {
  it('scale sets replicas', async () => {
    sh.cluster.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v1', namespace: 'default' },
      spec: { replicas: 1 },
    });
    expect(await sh.run('kubectl scale deploy/reviews-v1 --replicas=3')).toEqual({
      stdout: 'deployment.apps/reviews-v1 scaled\n',
      stderr: '',
      exitCode: 0,
    });
    expect(sh.cluster.get('Deployment', 'default', 'reviews-v1')?.spec).toEqual({ replicas: 3 });
    expect((await sh.run('kubectl scale deploy/reviews-v1')).stderr).toBe(
      'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n',
    );
  });

  it('edit points at the Editor and kubectl apply', async () => {
    const r = await sh.run('kubectl edit vs reviews');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Editor/);
    expect(r.stderr).toMatch(/kubectl apply -f/);
  });
});
